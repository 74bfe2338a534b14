import type { DashboardTile } from '../../api/insights';

/** Rearranging a dashboard, as pure list operations on its tiles. */

/** The tiles with the one at `from` moved to `to` (both clamped to the list). */
export function moveTile(
  tiles: readonly DashboardTile[],
  from: number,
  to: number,
): DashboardTile[] {
  const next = [...tiles];
  if (from < 0 || from >= next.length) return next;
  const [tile] = next.splice(from, 1);
  if (!tile) return [...tiles];
  next.splice(Math.max(0, Math.min(next.length, to)), 0, tile);
  return next;
}

export function toggleWidth(tiles: readonly DashboardTile[], index: number): DashboardTile[] {
  return tiles.map((t, i) => (i === index ? { ...t, width: t.width === 2 ? 1 : 2 } : t));
}

export function removeTile(tiles: readonly DashboardTile[], index: number): DashboardTile[] {
  return tiles.filter((_, i) => i !== index);
}

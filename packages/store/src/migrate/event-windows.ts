/**
 * Events are copied per project in fixed time windows. A window is also the
 * unit a resumed copy decides about: its events are counted on both sides, and
 * one whose counts differ was cut short and is copied again. Windows are
 * `floor(timestamp / WINDOW_MS)`, computed the same way by DuckDB and
 * ClickHouse (plain millisecond arithmetic, no calendar or time zone).
 */
export const WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** Events of one project in one window. */
export interface WindowCount {
  readonly projectId: string;
  readonly window: number;
  readonly count: number;
}

export type WindowAction =
  /** The target has none of them: copy. */
  | 'copy'
  /** The target has exactly as many: already copied by an earlier run. */
  | 'skip'
  /** The target has some but not as many: an interrupted copy; delete the window's rows and copy. */
  | 'recopy';

export interface WindowStep {
  readonly projectId: string;
  readonly window: number;
  /** Inclusive, ms since the epoch. */
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  /** Events in the source. */
  readonly count: number;
  readonly action: WindowAction;
}

const key = (projectId: string, window: number) => `${projectId}\u0000${window}`;

/**
 * What to do with each source window, ordered by project then time. Windows
 * only the target has are not touched here (the verification reports them).
 */
export function planWindows(
  source: readonly WindowCount[],
  target: readonly WindowCount[],
): WindowStep[] {
  const there = new Map(target.map((t) => [key(t.projectId, t.window), t.count]));
  return [...source]
    .filter((s) => s.count > 0)
    .sort((a, b) =>
      a.projectId === b.projectId ? a.window - b.window : a.projectId < b.projectId ? -1 : 1,
    )
    .map((s) => {
      const copied = there.get(key(s.projectId, s.window)) ?? 0;
      const action: WindowAction = copied === 0 ? 'copy' : copied === s.count ? 'skip' : 'recopy';
      return {
        projectId: s.projectId,
        window: s.window,
        from: s.window * WINDOW_MS,
        to: (s.window + 1) * WINDOW_MS,
        count: s.count,
        action,
      };
    });
}

/**
 * How many rows one multi-row INSERT may carry: PostgreSQL takes at most
 * 65,535 bound parameters per statement, one per column per row.
 */
export function rowsPerInsert(columns: number, options: { max?: number } = {}): number {
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`bad column count ${columns}`);
  return Math.max(1, Math.min(options.max ?? 2_000, Math.floor(65_535 / columns)));
}

import type { WindowTallies } from '../funnel-shard.js';

/** Tallies as comparable data: gaps sorted (shards and passes append them in their own order). */
export const canon = (tallies: WindowTallies) =>
  tallies.map((byValue) =>
    [...byValue]
      .map(([value, t]) => ({
        value,
        levels: t.levels,
        gaps: t.gaps.map((g) => [...g].sort((a, b) => a - b)),
      }))
      .sort((a, b) => String(a.value).localeCompare(String(b.value))),
  );

import type { StickinessQuery, StickinessResult } from '@opsloop/schema';
import { bucketStarts, resolveRange } from '../time/date-range.js';
import { toLocalNaive, truncateNaive } from '../time/zoned.js';
import { matches } from './filter.js';
import { personOf, type RefContext, type RefData } from './model.js';

export function referenceStickiness(
  data: RefData,
  q: StickinessQuery,
  ctx: RefContext,
): StickinessResult {
  const range = resolveRange(q.dateRange, ctx.timezone);
  const n = bucketStarts(range, q.interval, ctx.timezone).length;
  const active = new Map<string, Set<number>>();
  for (const e of data.events) {
    if (e.event !== q.event || e.timestamp < range.fromMs || e.timestamp >= range.toMs) continue;
    if (!matches(data, e, q.filters, ctx.now)) continue;
    const p = personOf(data, e);
    const set = active.get(p) ?? new Set<number>();
    set.add(truncateNaive(toLocalNaive(e.timestamp, ctx.timezone), q.interval));
    active.set(p, set);
  }
  const sizes = [...active.values()].map((s) => s.size);
  return {
    stickiness: Array.from({ length: n }, (_, i) => ({
      intervals: i + 1,
      persons: sizes.filter((k) => k === i + 1).length,
    })),
  };
}

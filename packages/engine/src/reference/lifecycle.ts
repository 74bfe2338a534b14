import type { LifecycleQuery, LifecycleResult } from '@opsloop/schema';
import { bucketLabel, bucketStarts, resolveRange } from '../time/date-range.js';
import { addNaive, toLocalNaive, truncateNaive } from '../time/zoned.js';
import { matches } from './filter.js';
import { personOf, type RefContext, type RefData } from './model.js';

/** Lifecycle by collecting each person's active intervals and walking the range. */
export function referenceLifecycle(
  data: RefData,
  q: LifecycleQuery,
  ctx: RefContext,
): LifecycleResult {
  const tz = ctx.timezone;
  const range = resolveRange(q.dateRange, tz);
  const unit = q.interval;
  const active = new Map<string, Set<number>>();
  for (const e of data.events) {
    if (e.event !== q.event || e.timestamp >= range.toMs) continue;
    if (!matches(data, e, q.filters, ctx.now)) continue;
    const p = personOf(data, e);
    const set = active.get(p) ?? new Set<number>();
    set.add(truncateNaive(toLocalNaive(e.timestamp, tz), unit));
    active.set(p, set);
  }
  return {
    intervals: bucketStarts(range, unit, tz).map((b) => {
      const previous = addNaive(b, unit, -1);
      const row = { date: bucketLabel(b, unit), new: 0, returning: 0, resurrecting: 0, dormant: 0 };
      for (const set of active.values()) {
        const now = set.has(b);
        const before = set.has(previous);
        if (now && Math.min(...set) === b) row.new++;
        else if (now && before) row.returning++;
        else if (now) row.resurrecting++;
        else if (before) row.dormant--;
      }
      return row;
    }),
  };
}

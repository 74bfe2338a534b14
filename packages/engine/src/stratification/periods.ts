import type { DateRange } from '@opsloop/schema';
import { bucketLabel, bucketStarts, resolveRange } from '../time/date-range.js';
import { addNaive, fromLocalNaive } from '../time/zoned.js';

/**
 * The periods of a range in the project's zone: each with its label and the
 * instant it ends (exclusive), where stages are taken. The last period ends
 * no later than `now`.
 */
export function stagePeriods(
  range: DateRange,
  interval: 'day' | 'week' | 'month',
  timezone: string,
  now: number,
): { label: string; end: number }[] {
  const r = resolveRange(range, timezone);
  return bucketStarts(r, interval, timezone).map((start) => ({
    label: bucketLabel(start, interval),
    end: Math.min(fromLocalNaive(addNaive(start, interval, 1), timezone), r.toMs, now),
  }));
}

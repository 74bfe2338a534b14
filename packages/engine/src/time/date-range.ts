import type { DateRange } from '@opsloop/schema';
import { QueryPlanError } from '../plan/context.js';
import {
  addNaive,
  type BucketUnit,
  bucketLabel,
  fromLocalNaive,
  toLocalNaive,
  truncateNaive,
} from './zoned.js';

/** A date range resolved to instants: `[fromMs, toMs)`. */
export interface ResolvedRange {
  readonly fromMs: number;
  readonly toMs: number;
  /** Whether both ends were calendar dates (compare shifts by whole days then). */
  readonly wholeDays: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

function naiveOf(s: string): number {
  const [date, time = '00:00:00'] = s.split('T') as [string, string?];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ssRaw = '0'] = time.split(':') as [string, string, string?];
  const secs = Number(ssRaw);
  const ms = Math.round(secs * 1000);
  return Date.UTC(y, m - 1, d, Number(hh), Number(mm)) + ms;
}

function instantOf(s: string, timezone: string): number {
  if (HAS_OFFSET.test(s)) return Date.parse(s);
  return fromLocalNaive(naiveOf(s), timezone);
}

/**
 * Dates are local midnights; a date `to` includes its whole day. A datetime
 * `to` includes that millisecond.
 */
export function resolveRange(range: DateRange, timezone: string): ResolvedRange {
  const fromMs = instantOf(range.from, timezone);
  const toMs = DATE.test(range.to)
    ? fromLocalNaive(addNaive(naiveOf(range.to), 'day', 1), timezone)
    : instantOf(range.to, timezone) + 1;
  return { fromMs, toMs, wholeDays: DATE.test(range.from) && DATE.test(range.to) };
}

/** The period right before, of the same length (in local days for whole-day ranges). */
export function previousRange(r: ResolvedRange, timezone: string): ResolvedRange {
  if (!r.wholeDays)
    return { fromMs: r.fromMs - (r.toMs - r.fromMs), toMs: r.fromMs, wholeDays: false };
  const fromN = toLocalNaive(r.fromMs, timezone);
  const days = Math.round((toLocalNaive(r.toMs, timezone) - fromN) / 86_400_000);
  return {
    fromMs: fromLocalNaive(addNaive(fromN, 'day', -days), timezone),
    toMs: r.fromMs,
    wholeDays: true,
  };
}

/** Naive starts of every bucket that overlaps the range, in order. */
export function bucketStarts(r: ResolvedRange, unit: BucketUnit, timezone: string): number[] {
  // Refuse huge ranges before walking them (the walk itself would be the cost).
  const approx =
    (r.toMs - r.fromMs) /
    { hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 2_419_200_000 }[unit];
  if (approx > MAX_BUCKETS + 2)
    throw new QueryPlanError(
      'dateRange',
      `the range spans more than ${MAX_BUCKETS} ${unit}s; use a shorter range or a coarser interval`,
    );
  const out: number[] = [];
  const last = truncateNaive(toLocalNaive(r.toMs - 1, timezone), unit);
  if (unit === 'hour') {
    // Walk instants so hours skipped or repeated by DST come out as the wall clock shows them.
    const seen = new Set<number>();
    for (let t = r.fromMs - (r.fromMs % 900_000); t < r.toMs; t += 900_000) {
      const b = truncateNaive(toLocalNaive(Math.max(t, r.fromMs), timezone), unit);
      if (!seen.has(b)) {
        seen.add(b);
        out.push(b);
      }
    }
    return out;
  }
  for (
    let b = truncateNaive(toLocalNaive(r.fromMs, timezone), unit);
    b <= last;
    b = addNaive(b, unit, 1)
  ) {
    out.push(b);
  }
  return out;
}

export const MAX_BUCKETS = 5000;
export { bucketLabel };

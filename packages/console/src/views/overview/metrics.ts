import {
  type FunnelResult,
  funnelSteps,
  type LifecycleResult,
  type RetentionResult,
  type TrendsResult,
} from '../../api/query';
import { addDays } from '../../lib/date-range';

/** Pure reductions from query results to the overview's figures. */

export interface ChannelTotal {
  /** null when the person arrived with no channel (direct or unknown). */
  readonly channel: string | null;
  readonly total: number;
}

export function seriesTotal(result: TrendsResult): number {
  return result.series.reduce((a, s) => a + (s.total ?? 0), 0);
}

/** Breakdown totals by channel, largest first; empty and null values are one "none" row. */
export function channelTotals(result: TrendsResult): ChannelTotal[] {
  const byChannel = new Map<string | null, number>();
  for (const s of result.series) {
    const key =
      s.breakdownValue === null || s.breakdownValue === '' ? null : String(s.breakdownValue);
    byChannel.set(key, (byChannel.get(key) ?? 0) + (s.total ?? 0));
  }
  return [...byChannel.entries()]
    .map(([channel, total]) => ({ channel, total }))
    .sort((a, b) => b.total - a.total || String(a.channel).localeCompare(String(b.channel)));
}

/** Points summed across series, per date, in date order. */
export function dailyPoints(result: TrendsResult): { date: string; value: number }[] {
  const byDate = new Map<string, number>();
  for (const s of result.series) {
    for (const p of s.points) byDate.set(p.date, (byDate.get(p.date) ?? 0) + (p.value ?? 0));
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, value]) => ({ date, value }));
}

/** Share of the first step that reached the last one, or null when nobody entered. */
export function funnelConversion(result: FunnelResult): number | null {
  const steps = funnelSteps(result);
  const first = steps[0];
  const last = steps.at(-1);
  if (!first || !last || first.count === 0) return null;
  return last.count / first.count;
}

/** Days in one retention period (months are taken as 31 days: a cohort counts once surely complete). */
const PERIOD_DAYS = { day: 1, week: 7, month: 31 } as const;

/**
 * The average retention curve: for each period, persons retained over persons
 * in the cohorts old enough to have lived through that whole period by
 * `today` (cohorts are weighted by size). Young cohorts, whose later periods
 * have not happened yet, would otherwise pull those periods towards zero.
 * Period 0 counts every cohort. A period no cohort is old enough for is left
 * out of the curve.
 */
export function retentionCurve(
  result: RetentionResult,
  options: { today: string; period: keyof typeof PERIOD_DAYS },
): number[] {
  const periods = Math.max(0, ...result.cohorts.map((c) => c.values.length));
  const days = PERIOD_DAYS[options.period];
  const curve: number[] = [];
  for (let i = 0; i < periods; i++) {
    let retained = 0;
    let base = 0;
    for (const c of result.cohorts) {
      const v = c.values[i];
      if (v === undefined || c.size === 0) continue;
      // Period i of a cohort ends the day before cohort + (i + 1) periods.
      if (i > 0 && addDays(c.date.slice(0, 10), (i + 1) * days - 1) > options.today) continue;
      retained += v;
      base += c.size;
    }
    if (base === 0) break;
    curve.push(retained / base);
  }
  return curve;
}

export interface LifecycleTotals {
  readonly new: number;
  readonly returning: number;
  readonly resurrecting: number;
  readonly dormant: number;
}

export const LIFECYCLE_STAGES = ['new', 'returning', 'resurrecting', 'dormant'] as const;

export function lifecycleTotals(result: LifecycleResult): LifecycleTotals {
  const t = { new: 0, returning: 0, resurrecting: 0, dormant: 0 };
  for (const i of result.intervals) {
    t.new += i.new;
    t.returning += i.returning;
    t.resurrecting += i.resurrecting;
    // Dormant counts are reported as negatives by some engines; the overview shows sizes.
    t.dormant += Math.abs(i.dormant);
  }
  return t;
}

/** A ratio, or null when the denominator is zero. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

import type { DateRange } from '../api/query';

/** Date ranges are inclusive `YYYY-MM-DD` pairs; arithmetic is done on UTC midnights. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

function toMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isIsoDate(v: string | null | undefined): v is string {
  return typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(toMs(v));
}

export function addDays(date: string, days: number): string {
  return fromMs(toMs(date) + days * DAY_MS);
}

/** Number of days in the range, both ends included. */
export function rangeLength(range: DateRange): number {
  return Math.round((toMs(range.to) - toMs(range.from)) / DAY_MS) + 1;
}

/** The last `days` days ending on `today`. */
export function lastDays(days: number, today: string): DateRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The period of the same length that ends the day before `range` starts. */
export function previousPeriod(range: DateRange): DateRange {
  const n = rangeLength(range);
  return { from: addDays(range.from, -n), to: addDays(range.from, -1) };
}

/** Reads a range from URL values, falling back to the last 30 days; swaps reversed ends. */
export function parseRange(from: string | null, to: string | null, today: string): DateRange {
  if (!isIsoDate(from) || !isIsoDate(to)) return lastDays(30, today);
  return from <= to ? { from, to } : { from: to, to: from };
}

/** Today's date in the browser's timezone, as `YYYY-MM-DD`. */
export function todayLocal(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/**
 * Relative change from `previous` to `current`, or null when there is no
 * baseline to compare with (previous is zero or missing).
 */
export function relativeChange(
  current: number,
  previous: number | null | undefined,
): number | null {
  if (previous === null || previous === undefined || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

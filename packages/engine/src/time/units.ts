/**
 * Units of fixed length, in milliseconds: funnel and path windows, and the
 * buckets that are whole widths of the wall clock (months are not).
 */
export const UNIT_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
} as const;

export const DAY_MS = UNIT_MS.day;

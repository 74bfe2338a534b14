/** RFM value tiers, from the recency and frequency scores (1–5, 5 best). */
export const RFM_TIERS = [
  'champions',
  'loyal',
  'new',
  'potential',
  'at_risk',
  'hibernating',
  'lost',
] as const;
export type RfmTier = (typeof RFM_TIERS)[number];

/**
 * The tier of a scored person; the first rule that matches wins:
 * champions R≥4 F≥4; loyal R≥3 F≥3; new R≥4 F≤1; potential R≥3;
 * at_risk R≤2 F≥3; hibernating R=2; lost otherwise.
 */
export function tierOf(r: number, f: number): RfmTier {
  if (r >= 4 && f >= 4) return 'champions';
  if (r >= 3 && f >= 3) return 'loyal';
  if (r >= 4 && f <= 1) return 'new';
  if (r >= 3) return 'potential';
  if (f >= 3) return 'at_risk';
  if (r === 2) return 'hibernating';
  return 'lost';
}

export interface RfmConfig {
  /** The event that carries revenue, e.g. `purchase`. */
  readonly revenueEvent: string;
  /** Its numeric property, e.g. `amount` (missing or not a number counts 0). */
  readonly revenueProperty: string;
  /** Days before `asOf` that are looked at. */
  readonly windowDays: number;
}

export const DEFAULT_RFM_CONFIG: RfmConfig = Object.freeze({
  revenueEvent: 'purchase',
  revenueProperty: 'amount',
  windowDays: 365,
});

/**
 * DuckDB's `ntile(n)` for the row at `index` (0-based) of `count` ordered
 * rows: the first `count % n` groups hold one row more.
 */
export function ntile(index: number, count: number, n: number): number {
  const base = Math.floor(count / n);
  const extra = count % n;
  const big = extra * (base + 1);
  if (index < big) return Math.floor(index / (base + 1)) + 1;
  return extra + Math.floor((index - big) / Math.max(base, 1)) + 1;
}

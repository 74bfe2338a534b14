import type { Interval, TrendMath } from '../../api/query';
import { EVENTS } from '../../lib/events';

/** Reading builder state from the query string, with safe defaults for anything odd. */

export type SetParams = (
  patch: Readonly<Record<string, string | null>>,
  options?: { push?: boolean },
) => void;

export const MATHS: readonly TrendMath[] = ['total', 'unique_persons', 'sum', 'average'];
export const INTERVALS: readonly Interval[] = ['day', 'week', 'month'];
export const KNOWN_EVENTS: readonly string[] = Object.values(EVENTS);
export const MAX_STEPS = 8;

function oneOf<T extends string>(v: string | null, options: readonly T[], fallback: T): T {
  return options.includes(v as T) ? (v as T) : fallback;
}

export function readTrends(params: URLSearchParams) {
  return {
    event: params.get('event') || EVENTS.pageview,
    math: oneOf(params.get('math'), MATHS, 'total'),
    property: params.get('property') ?? '',
    interval: oneOf(params.get('interval'), INTERVALS, 'day'),
    chart: oneOf(params.get('chart'), ['line', 'bar'] as const, 'line'),
    breakdown: params.get('breakdown') ?? '',
  };
}

export function readFunnel(params: URLSearchParams) {
  const steps = (params.get('steps') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, MAX_STEPS);
  const window = Number(params.get('window'));
  return {
    steps: steps.length >= 2 ? steps : [EVENTS.pageview, EVENTS.signup, EVENTS.purchase],
    windowDays: Number.isInteger(window) && window >= 1 && window <= 365 ? window : 14,
  };
}

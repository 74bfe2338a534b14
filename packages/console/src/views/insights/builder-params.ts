import {
  type AnyQuery,
  type Breakdown,
  type DateRange,
  type Filter,
  type FunnelWindowUnit,
  type Interval,
  PROPERTY_MATHS,
  type PropertyOperator,
  type TrendMath,
} from '../../api/query';
import { EVENTS } from '../../lib/events';

/**
 * Every builder's state lives in the query string; these pure readers turn it
 * into builder state (with safe defaults for anything odd) and into the query
 * the API runs. The same functions rebuild a saved insight on a dashboard.
 */

export type SetParams = (
  patch: Readonly<Record<string, string | null>>,
  options?: { push?: boolean },
) => void;

export const KINDS = ['trends', 'funnel', 'retention', 'lifecycle', 'stickiness', 'paths'] as const;
export type Kind = (typeof KINDS)[number];
export const MATHS: readonly TrendMath[] = [
  'total',
  'unique_persons',
  'dau',
  'wau',
  'mau',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'p90',
];
export const INTERVALS: readonly Interval[] = ['day', 'week', 'month'];
export const WINDOW_UNITS: readonly FunnelWindowUnit[] = ['minute', 'hour', 'day', 'week'];
export const ORDERS = ['ordered', 'strict', 'unordered'] as const;
export const FILTER_OPS: readonly PropertyOperator[] = [
  'eq',
  'neq',
  'contains',
  'not_contains',
  'gt',
  'lt',
  'is_set',
  'is_not_set',
];
export const MAX_STEPS = 8;

function oneOf<T extends string>(v: string | null, options: readonly T[], fallback: T): T {
  return options.includes(v as T) ? (v as T) : fallback;
}
function intIn(v: string | null, min: number, max: number, fallback: number): number {
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function readKind(params: URLSearchParams): Kind {
  return oneOf(params.get('kind'), KINDS, 'trends');
}

function readBreakdown(params: URLSearchParams): Breakdown | null {
  const property = params.get('breakdown')?.trim();
  if (!property) return null;
  return { on: oneOf(params.get('breakdownOn'), ['event', 'person'] as const, 'event'), property };
}

/** One property condition (`fp`, `fon`, `fo`, `fv`) and a segment (`seg`), and-ed. */
export function readFilter(params: URLSearchParams) {
  return {
    property: params.get('fp') ?? '',
    on: oneOf(params.get('fon'), ['event', 'person'] as const, 'event'),
    op: oneOf(params.get('fo'), FILTER_OPS, 'eq'),
    value: params.get('fv') ?? '',
    segment: params.get('seg') ?? '',
  };
}

export function filterOf(params: URLSearchParams): Filter | undefined {
  const f = readFilter(params);
  const parts: Filter[] = [];
  if (f.property.trim()) {
    const noValue = f.op === 'is_set' || f.op === 'is_not_set';
    const numeric = f.op === 'gt' || f.op === 'lt';
    if (noValue) parts.push({ property: f.property.trim(), on: f.on, op: f.op });
    else if (f.value !== '' && (!numeric || Number.isFinite(Number(f.value))))
      parts.push({
        property: f.property.trim(),
        on: f.on,
        op: f.op,
        value: numeric ? Number(f.value) : f.value,
      });
  }
  if (f.segment) parts.push({ segment: f.segment });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}

export function readTrends(params: URLSearchParams) {
  return {
    event: params.get('event') || EVENTS.pageview,
    math: oneOf(params.get('math'), MATHS, 'total'),
    property: params.get('property') ?? '',
    interval: oneOf(params.get('interval'), INTERVALS, 'day'),
    chart: oneOf(params.get('chart'), ['line', 'bar'] as const, 'line'),
    breakdown: readBreakdown(params),
    compare: params.get('compare') === '1',
  };
}

export function readFunnel(params: URLSearchParams) {
  const steps = (params.get('steps') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, MAX_STEPS);
  return {
    steps: steps.length >= 2 ? steps : [EVENTS.pageview, EVENTS.signup, EVENTS.purchase],
    windowValue: intIn(params.get('window'), 1, 1000, 14),
    windowUnit: oneOf(params.get('windowUnit'), WINDOW_UNITS, 'day'),
    order: oneOf(params.get('order'), ORDERS, 'ordered'),
    breakdown: readBreakdown(params),
  };
}

export function readRetention(params: URLSearchParams) {
  return {
    startEvent: params.get('start') || EVENTS.signup,
    returnEvent: params.get('return') || EVENTS.pageview,
    period: oneOf(params.get('period'), ['day', 'week', 'month'] as const, 'week'),
    periods: intIn(params.get('periods'), 1, 60, 8),
    retentionType: oneOf(
      params.get('retentionType'),
      ['first_time', 'recurring'] as const,
      'first_time',
    ),
  };
}

/** Lifecycle and stickiness read one event and an interval. */
export function readSingleEvent(params: URLSearchParams) {
  return {
    event: params.get('event') || EVENTS.pageview,
    interval: oneOf(params.get('interval'), INTERVALS, 'day'),
  };
}

export function readPaths(params: URLSearchParams) {
  return {
    event: params.get('event') || EVENTS.pageview,
    direction: oneOf(params.get('direction'), ['after', 'before'] as const, 'after'),
    steps: intIn(params.get('depth'), 1, 10, 4),
    limit: intIn(params.get('links'), 5, 200, 40),
  };
}

/** Why a builder cannot run yet, as a message key, or null when it can. */
export function notReady(kind: Kind, params: URLSearchParams): 'insights.needProperty' | null {
  if (kind !== 'trends') return null;
  const t = readTrends(params);
  return PROPERTY_MATHS.includes(t.math) && !t.property.trim() ? 'insights.needProperty' : null;
}

/** The analytics query a builder's state describes, over `range`. */
export function buildQuery(kind: Kind, params: URLSearchParams, range: DateRange): AnyQuery {
  const filters = filterOf(params);
  const base = { dateRange: range, ...(filters ? { filters } : {}) };
  switch (kind) {
    case 'trends': {
      const t = readTrends(params);
      const needsProperty = PROPERTY_MATHS.includes(t.math);
      return {
        kind,
        ...base,
        series: [
          {
            event: t.event,
            math: t.math,
            ...(needsProperty && t.property.trim() ? { property: t.property.trim() } : {}),
          },
        ],
        interval: t.interval,
        compare: t.compare,
        ...(t.breakdown ? { breakdown: t.breakdown } : {}),
      };
    }
    case 'funnel': {
      const f = readFunnel(params);
      return {
        kind,
        ...base,
        steps: f.steps.map((event) => ({ event })),
        window: { value: f.windowValue, unit: f.windowUnit },
        order: f.order,
        ...(f.breakdown ? { breakdown: f.breakdown } : {}),
      };
    }
    case 'retention': {
      const r = readRetention(params);
      return {
        kind,
        ...base,
        startEvent: { event: r.startEvent },
        returnEvent: { event: r.returnEvent },
        period: r.period,
        periods: r.periods,
        retentionType: r.retentionType,
      };
    }
    case 'lifecycle':
    case 'stickiness': {
      const s = readSingleEvent(params);
      return { kind, ...base, event: s.event, interval: s.interval };
    }
    case 'paths': {
      const p = readPaths(params);
      return {
        kind,
        ...base,
        ...(p.direction === 'after' ? { start: { event: p.event } } : { end: { event: p.event } }),
        steps: p.steps,
        limit: p.limit,
      };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown insight kind ${String(never)}`);
    }
  }
}

/** The builder state to save with an insight: everything but the dates and the tab, kind included. */
export function paramsWithoutDates(params: URLSearchParams): string {
  const p = new URLSearchParams(params);
  p.delete('from');
  p.delete('to');
  p.delete('tab');
  p.set('kind', readKind(params));
  return p.toString();
}

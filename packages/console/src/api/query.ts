import { api } from './client';

/**
 * The analytics query API's request and response shapes
 * (`POST /api/projects/:id/query`), mirroring `packages/schema/src/query`:
 * requests as the schema accepts them (defaults may be left out), results as
 * the server sends them.
 */

export interface DateRange {
  /** Inclusive local dates, `YYYY-MM-DD`, in the project's timezone. */
  readonly from: string;
  readonly to: string;
}

export type Interval = 'day' | 'week' | 'month';
export type TrendMath =
  | 'total'
  | 'unique_persons'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'median'
  | 'p90'
  | 'dau'
  | 'wau'
  | 'mau';
/** Maths that need a numeric property. */
export const PROPERTY_MATHS: readonly TrendMath[] = ['sum', 'avg', 'min', 'max', 'median', 'p90'];

export type PropertyOperator =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'contains'
  | 'not_contains'
  | 'regex'
  | 'in'
  | 'not_in'
  | 'is_set'
  | 'is_not_set';

export interface PropertyCondition {
  readonly property: string;
  readonly on?: 'event' | 'person';
  readonly op: PropertyOperator;
  readonly value?: string | number | boolean | readonly string[];
}

/** The schema's Filter: property, behavioural and segment conditions combined with and/or/not. */
export type Filter =
  | { readonly and: readonly Filter[] }
  | { readonly or: readonly Filter[] }
  | { readonly not: Filter }
  | PropertyCondition
  | {
      readonly performed: string;
      readonly times?: { op: 'eq' | 'gte' | 'lte' | 'gt' | 'lt'; value: number };
      readonly within: { days: number };
      readonly where?: Filter;
    }
  | { readonly notPerformed: string; readonly within: { days: number } }
  | { readonly segment: string };

export interface Breakdown {
  readonly on: 'event' | 'person';
  readonly property: string;
}

export interface EventStep {
  readonly event: string;
  readonly filters?: Filter;
}

interface Base {
  readonly dateRange: DateRange;
  readonly filters?: Filter;
}

export interface TrendsQuery extends Base {
  readonly kind: 'trends';
  readonly series: readonly {
    event: string;
    math: TrendMath;
    property?: string;
    filters?: Filter;
  }[];
  readonly interval: Interval;
  readonly compare?: boolean;
  readonly breakdown?: Breakdown;
}

export interface TrendsResult {
  readonly series: readonly {
    label: string;
    seriesIndex?: number;
    breakdownValue: string | null;
    /** `previous` marks the preceding period's series when `compare` is on. */
    period?: 'current' | 'previous';
    points: readonly { date: string; value: number | null }[];
    total: number | null;
  }[];
}

export type FunnelWindowUnit = 'minute' | 'hour' | 'day' | 'week';

export interface FunnelQuery extends Base {
  readonly kind: 'funnel';
  readonly steps: readonly EventStep[];
  readonly window: { value: number; unit: FunnelWindowUnit };
  readonly order: 'ordered' | 'strict' | 'unordered';
  readonly breakdown?: Breakdown;
  /** Also the preceding period of the same length, as `previous`. */
  readonly compare?: boolean;
}

export interface FunnelStepResult {
  readonly event: string;
  readonly count: number;
  readonly conversionFromPrevious: number | null;
  readonly conversionFromFirst: number | null;
  readonly medianSecondsFromPrevious: number | null;
}

type FunnelBody =
  | { readonly steps: readonly FunnelStepResult[] }
  | {
      readonly groups: readonly {
        breakdownValue: string | null;
        steps: readonly FunnelStepResult[];
      }[];
    };

/** With `compare`, `previous` is the preceding period's funnel. */
export type FunnelResult = FunnelBody & { readonly previous?: FunnelBody };

export interface RetentionQuery extends Base {
  readonly kind: 'retention';
  readonly startEvent: EventStep;
  readonly returnEvent: EventStep;
  readonly period: 'day' | 'week' | 'month';
  readonly periods: number;
  readonly retentionType: 'first_time' | 'recurring';
  readonly breakdown?: Breakdown;
  /** Also the preceding period of the same length, as `previous`. */
  readonly compare?: boolean;
}

export interface RetentionCohorts {
  /** `values[i]` is the number of the cohort's persons active in period i (i = 0 is the start). */
  readonly cohorts: readonly {
    date: string;
    breakdownValue?: string | null;
    size: number;
    values: readonly number[];
  }[];
}

/** With `compare`, `previous` holds the preceding period's cohorts. */
export interface RetentionResult extends RetentionCohorts {
  readonly previous?: RetentionCohorts;
}

export interface LifecycleQuery extends Base {
  readonly kind: 'lifecycle';
  readonly event: string;
  readonly interval: Interval;
  /** Also the preceding period of the same length, as `previous`. */
  readonly compare?: boolean;
}

export interface LifecycleIntervals {
  /** Per interval: persons new, returning, resurrecting; `dormant` is negative. */
  readonly intervals: readonly {
    date: string;
    new: number;
    returning: number;
    resurrecting: number;
    dormant: number;
  }[];
}

/** With `compare`, `previous` holds the preceding period's intervals. */
export interface LifecycleResult extends LifecycleIntervals {
  readonly previous?: LifecycleIntervals;
}

export interface StickinessQuery extends Base {
  readonly kind: 'stickiness';
  readonly event: string;
  readonly interval: Interval;
}

export interface StickinessResult {
  /** `persons` active in exactly `intervals` of the range's intervals. */
  readonly stickiness: readonly { intervals: number; persons: number }[];
}

export interface PathsQuery extends Base {
  readonly kind: 'paths';
  readonly start?: EventStep;
  readonly end?: EventStep;
  readonly steps: number;
  readonly window?: { value: number; unit: FunnelWindowUnit };
  readonly collapseRepeats?: boolean;
  readonly limit?: number;
}

export interface PathsResult {
  /** `step` 0 is the start (or end) event; `step` i is i events after (before) it. */
  readonly nodes: readonly { id: string; step: number; event: string; count: number }[];
  readonly links: readonly { source: string; target: string; count: number }[];
}

export type AnyQuery =
  | TrendsQuery
  | FunnelQuery
  | RetentionQuery
  | LifecycleQuery
  | StickinessQuery
  | PathsQuery;
export type QueryKind = AnyQuery['kind'];

export interface ResultOf {
  trends: TrendsResult;
  funnel: FunnelResult;
  retention: RetentionResult;
  lifecycle: LifecycleResult;
  stickiness: StickinessResult;
  paths: PathsResult;
}

/** A funnel's steps, whether or not it was broken down (the first group's, or none). */
export function funnelSteps(result: FunnelResult): readonly FunnelStepResult[] {
  return 'steps' in result ? result.steps : (result.groups[0]?.steps ?? []);
}

/**
 * @example
 * const r = await runQuery(projectId, { kind: 'funnel', steps, window, order: 'ordered', dateRange });
 */
export function runQuery<Q extends AnyQuery>(
  projectId: string,
  query: Q,
  options: { signal?: AbortSignal } = {},
): Promise<ResultOf[Q['kind']]> {
  return api<ResultOf[Q['kind']]>(
    'POST',
    `/api/projects/${encodeURIComponent(projectId)}/query`,
    query,
    options,
  );
}

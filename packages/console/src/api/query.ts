import { api } from './client';

/** The analytics query API's request and response shapes (`POST /api/projects/:id/query`). */

export interface DateRange {
  /** Inclusive local dates, `YYYY-MM-DD`, in the project's timezone. */
  readonly from: string;
  readonly to: string;
}

export type Interval = 'day' | 'week' | 'month';
export type TrendMath = 'total' | 'unique_persons' | 'sum' | 'average' | 'min' | 'max';

export interface TrendsQuery {
  readonly kind: 'trends';
  readonly series: readonly { event: string; math: TrendMath; property?: string }[];
  readonly interval: Interval;
  readonly dateRange: DateRange;
  readonly compare?: boolean;
  readonly breakdown?: { on: 'event' | 'person'; property: string };
}

export interface TrendsResult {
  readonly series: readonly {
    label: string;
    breakdownValue: string | number | null;
    points: readonly { date: string; value: number }[];
    total: number;
  }[];
}

export interface FunnelQuery {
  readonly kind: 'funnel';
  readonly steps: readonly { event: string }[];
  readonly window: { value: number; unit: 'minute' | 'hour' | 'day' };
  readonly order: 'ordered' | 'strict' | 'unordered';
  readonly dateRange: DateRange;
}

export interface FunnelStepResult {
  readonly event: string;
  readonly count: number;
  readonly conversionFromPrevious: number;
  readonly conversionFromFirst: number;
  readonly medianSecondsFromPrevious: number | null;
}

export interface FunnelResult {
  readonly steps: readonly FunnelStepResult[];
}

export interface RetentionQuery {
  readonly kind: 'retention';
  readonly startEvent: { event: string };
  readonly returnEvent: { event: string };
  readonly period: 'day' | 'week' | 'month';
  readonly periods: number;
  readonly retentionType: 'first_time' | 'recurring';
  readonly dateRange: DateRange;
}

export interface RetentionResult {
  /** `values[i]` is the number of the cohort's persons active in period i (i = 0 is the start). */
  readonly cohorts: readonly { date: string; size: number; values: readonly number[] }[];
}

export interface LifecycleQuery {
  readonly kind: 'lifecycle';
  readonly event: string;
  readonly interval: Interval;
  readonly dateRange: DateRange;
}

export interface LifecycleResult {
  readonly intervals: readonly {
    date: string;
    new: number;
    returning: number;
    resurrecting: number;
    dormant: number;
  }[];
}

export type AnyQuery = TrendsQuery | FunnelQuery | RetentionQuery | LifecycleQuery;

interface ResultOf {
  trends: TrendsResult;
  funnel: FunnelResult;
  retention: RetentionResult;
  lifecycle: LifecycleResult;
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

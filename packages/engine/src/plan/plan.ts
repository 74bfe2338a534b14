import type { SqlNode } from '../sql/ast/nodes.js';
import type { ChunkReducer, PersonRunsReducer, ReducerEnv } from '../sql/dialect/column-chunk.js';
import { MAX_BUCKETS } from '../time/date-range.js';
import { QueryPlanError } from './context.js';

export type Row = Readonly<Record<string, unknown>>;

/** A planned query: the SQL tree and how to turn its rows into the result. */
export interface Plan<R> {
  readonly root: SqlNode;
  readonly shape: (rows: readonly Row[]) => R;
  /**
   * The same result from another SQL whose rows are folded chunk by chunk,
   * for stores that stream column chunks (results too large for row objects).
   */
  readonly chunked?: {
    readonly root: SqlNode;
    readonly reducer: (env?: ReducerEnv) => ChunkReducer<R>;
    /** With `compare`: the reducer's result already holds the previous period's (no `previous` run). */
    readonly bothPeriods?: boolean | undefined;
    /** The same from a store's person-ordered part and the rest (see `PersonRunsQuery`). */
    readonly personRuns?:
      | {
          readonly divert: SqlNode;
          readonly recent: SqlNode;
          readonly runs: readonly SqlNode[];
          readonly reducer: (env?: ReducerEnv) => PersonRunsReducer<R>;
        }
      | undefined;
  };
  /**
   * With `compare`, where one statement cannot answer both periods: the
   * preceding period's plan, run after this one, and how its result joins
   * this one's.
   */
  readonly previous?: PreviousPlan<R>;
}

export interface PreviousPlan<R> {
  readonly plan: Plan<R>;
  /** The current period's result with the previous period's attached (a method: results vary by kind). */
  attach(current: R, previous: R): R;
}

export function checkBuckets(n: number): void {
  if (n > MAX_BUCKETS)
    throw new QueryPlanError(
      'dateRange',
      `the range has ${n} buckets; at most ${MAX_BUCKETS} are allowed, use a coarser interval`,
    );
}

/** A number from a driver value (number, bigint or numeric string), or null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return null;
}

export function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return String(v);
}

/** A column of a result row (rows are plain objects keyed by column name). */
export function field(r: Row, name: string): unknown {
  return r[name];
}

import type { FunnelShardThreads } from '../../funnel/shard-threads.js';
import type { CompiledQuery } from '../compiled-query.js';

/**
 * One chunk of a query result read column by column, so that large results
 * (a funnel's events) reach the shaper without one JS object per row. Stores
 * adapt their driver's native chunks to it (DuckDB data chunks keep each
 * column in a typed array).
 */
export interface ColumnChunk {
  readonly rowCount: number;
  /** A column by position in the SELECT list. */
  column(index: number): ColumnValues;
  /**
   * A numeric column (DOUBLE, INTEGER …) as numbers, null read as 0: the
   * driver's own typed array where it has one, so that a result of millions of
   * rows is read without a call per value.
   */
  numbers(index: number): ArrayLike<number>;
  /**
   * A UUID column as four 32-bit words per row, row `r`'s at `[4r, 4r + 4)`,
   * for exact grouping without strings: any fixed order, equal UUIDs give
   * equal words. A view of the driver's own bytes where it can be one.
   */
  uuid(index: number): Int32Array;
}

/** Values of one column: null, number (DOUBLE, INTEGER), bigint, string or boolean. */
export interface ColumnValues {
  get(row: number): unknown;
}

/**
 * Folds chunks into a result; a fresh reducer per execution. `add` may return
 * a promise: the reader waits for it before handing over the next chunk.
 * `cancel` releases what the reducer holds when the read fails midway.
 */
export interface ChunkReducer<R> {
  add(chunk: ColumnChunk): void | Promise<void>;
  finish(): Promise<R>;
  cancel(): void;
}

/**
 * A reducer that also folds a part of the events that arrives person by
 * person (a store's person-ordered part, `DialectAdapter.personOrderedEvents`).
 * The store feeds `addRecent` the recent part, `divert` the merged persons,
 * then `addRuns` the sorted part.
 */
export interface PersonRunsReducer<R> extends ChunkReducer<R> {
  /** Stored persons whose rows go to the grouping pass, and under whom: two UUID columns. */
  divert(chunk: ColumnChunk): void;
  /** Rows of the recent part, sorted by person. */
  addRecent(chunk: ColumnChunk): void;
  /** Rows of the sorted part, each person's together. */
  addRuns(chunk: ColumnChunk): void | Promise<void>;
}

/** What the store offers a reducer besides the chunks. */
export interface ReducerEnv {
  /** Threads that take a share of a funnel's per-person pass. */
  readonly funnelThreads?: FunnelShardThreads | undefined;
}

/** A query to stream as column chunks, and the reducer that folds them. */
export interface ChunkedQuery<R> {
  readonly compiled: CompiledQuery;
  readonly reducer: (env?: ReducerEnv) => ChunkReducer<R>;
  /** With `compare`: the reducer's result already holds the previous period's. */
  readonly bothPeriods?: boolean | undefined;
  /**
   * The same result for a store with a person-ordered part: persons to divert,
   * the recent part's events by person, the sorted part's runs (see `PersonRunsReducer`).
   */
  readonly personRuns?: PersonRunsQuery<R> | undefined;
}

export interface PersonRunsQuery<R> {
  readonly divert: CompiledQuery;
  readonly recent: CompiledQuery;
  /** Slices of the sorted part, in person order. */
  readonly runs: readonly CompiledQuery[];
  readonly reducer: (env?: ReducerEnv) => PersonRunsReducer<R>;
}

import type { CompiledQuery } from '@opsloop/engine';

/** The SQL dialect an event store speaks; the analytics compiler picks its overrides by it. */
export type EventStoreDialect = 'duckdb' | 'clickhouse';

/**
 * Where events, persons and identity overrides live for querying. The embedded
 * store is DuckDB; the scale-out one is ClickHouse. Both pass one contract suite.
 * Rows come back as plain objects with JSON-safe values (bigint where an
 * integer does not fit a double).
 */
export interface EventStore {
  readonly dialect: EventStoreDialect;
  /** Runs a compiled analytics query. */
  execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * What an engine can do, as flags the planners and compiler consult — never
 * `instanceof` checks on a dialect.
 */
export interface DialectAdapter {
  readonly name: 'duckdb' | 'clickhouse';
  /** ClickHouse's `windowFunnel` aggregate. */
  readonly hasWindowFunnel: boolean;
  /** Bound parameters; without them values are inlined as typed, escaped literals. */
  readonly hasQueryParameters: boolean;
  readonly hasWindowFunctions: boolean;
}

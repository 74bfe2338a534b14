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
  /** `GROUP BY GROUPING SETS`; without it the planner unions one grouping per set. */
  readonly hasGroupingSets: boolean;
  /** JOIN conditions other than equalities (else a CROSS JOIN filtered by WHERE). */
  readonly hasInequalityJoins: boolean;
  /** FULL OUTER JOIN that fills the missing side with NULLs (18.16's fails under `join_use_nulls`). */
  readonly hasFullJoins: boolean;
  /** A bit population count (else planners count distinct values instead of day flags). */
  readonly hasBitCount: boolean;
  /** More than one JOIN in one SELECT (else the planner nests them). */
  readonly hasMultipleJoins: boolean;
  /** A WITH table read twice is computed once (else it runs once per read, and planners avoid that). */
  readonly sharesWithTables: boolean;
  /**
   * Events kept in two parts (`EventsPart`): one rewritten in (person, time)
   * order with merges squashed, one appended since. Funnels then fold the
   * sorted part person by person as it streams, without grouping it.
   */
  readonly personOrderedEvents: boolean;
}

export { type CompiledAnalyticsQuery, type CompileOptions, compileQuery } from './compile-query.js';
export {
  type FunnelRows,
  FunnelShard,
  type FunnelShardConfig,
  mergeTallies,
  type WindowTallies,
} from './funnel/funnel-shard.js';
export { PersonOrderError } from './funnel/person-runs.js';
export type { FunnelShardThreads, OpenedShards } from './funnel/shard-threads.js';
export { type PlanContext, QueryPlanError, type ResolvedSegment } from './plan/context.js';
export type { Row } from './plan/plan.js';
export { resolveSegments, segmentIdsOf } from './plan/segments.js';
export * from './sql/ast/nodes.js';
export { ident, join, sql, text } from './sql/ast/sql-tag.js';
export type { CompiledQuery, QueryParameter } from './sql/compiled-query.js';
export { DefaultCompiler } from './sql/compiler/default-compiler.js';
export { inlineLiteral, quoteIdentifier } from './sql/compiler/literals.js';
export type { DialectAdapter } from './sql/dialect/adapter.js';
export type {
  ChunkedQuery,
  ChunkReducer,
  ColumnChunk,
  ColumnValues,
  PersonRunsQuery,
  PersonRunsReducer,
  ReducerEnv,
} from './sql/dialect/column-chunk.js';
export { DuckDbCompiler, duckdbAdapter } from './sql/dialect/duckdb.js';

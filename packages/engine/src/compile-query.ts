import type { AnalyticsQuery, AnalyticsResult } from '@opsloop/schema';
import { planRetentionBreakdown } from './plan/breakdown-retention.js';
import { type PlanContext, QueryPlanError } from './plan/context.js';
import { planFunnel } from './plan/funnel.js';
import { planLifecycle } from './plan/lifecycle.js';
import { planPaths } from './plan/paths.js';
import { planPersons } from './plan/persons.js';
import type { Plan, Row } from './plan/plan.js';
import { planRetention } from './plan/retention.js';
import { resolveSegments } from './plan/segments.js';
import { planStickiness } from './plan/stickiness.js';
import { planTrends } from './plan/trends.js';
import type { CompiledQuery } from './sql/compiled-query.js';
import { ClickHouseCompiler, clickhouseAdapter } from './sql/dialect/clickhouse.js';
import type { ChunkedQuery } from './sql/dialect/column-chunk.js';
import { DuckDbCompiler, duckdbAdapter } from './sql/dialect/duckdb.js';
import { isValidTimezone } from './time/zoned.js';

export interface CompileOptions extends Omit<PlanContext, 'adapter'> {
  readonly dialect: 'duckdb' | 'clickhouse';
}

/** A compiled query and the function that turns its rows into the API result. */
export interface CompiledAnalyticsQuery {
  readonly compiled: CompiledQuery;
  readonly shape: (rows: readonly Row[]) => AnalyticsResult;
  /**
   * When set, a store that can stream column chunks should run this instead
   * and fold the chunks with a fresh reducer (same result, no row objects).
   */
  readonly chunked?: ChunkedQuery<AnalyticsResult>;
  /**
   * With `compare`, when one statement does not answer both periods: the
   * previous period's query, to run after this one, and how to attach its
   * result to this one's.
   */
  readonly previous?: {
    readonly query: CompiledAnalyticsQuery;
    attach(current: AnalyticsResult, previous: AnalyticsResult): AnalyticsResult;
  };
}

/**
 * Plans and compiles an analytics query for one engine. Throws
 * {@link QueryPlanError} (with the offending field's path) for queries it
 * cannot answer.
 *
 * @example
 * const { compiled, shape } = compileQuery(query, { dialect: 'duckdb', projectId, timezone: 'Europe/London', now: Date.now() });
 * const result = shape(await eventStore.execute(compiled));
 */
export function compileQuery(
  query: AnalyticsQuery,
  options: CompileOptions,
): CompiledAnalyticsQuery {
  if (!isValidTimezone(options.timezone))
    throw new QueryPlanError('timezone', `unknown time zone "${options.timezone}"`);
  const clickhouse = options.dialect === 'clickhouse';
  const adapter = clickhouse ? clickhouseAdapter : duckdbAdapter;
  const plan = planOf(resolveSegments(query, options.segments), { ...options, adapter });
  const compiler = () => (clickhouse ? new ClickHouseCompiler() : new DuckDbCompiler());
  return compilePlan(plan, compiler);
}

function compilePlan(
  plan: Plan<AnalyticsResult>,
  compiler: () => DuckDbCompiler | ClickHouseCompiler,
): CompiledAnalyticsQuery {
  const compiled = compiler().compile(plan.root);
  const runs = plan.chunked?.personRuns;
  const chunked = plan.chunked && {
    compiled: compiler().compile(plan.chunked.root),
    reducer: plan.chunked.reducer,
    bothPeriods: plan.chunked.bothPeriods,
    personRuns: runs && {
      divert: compiler().compile(runs.divert),
      recent: compiler().compile(runs.recent),
      runs: runs.runs.map((slice) => compiler().compile(slice)),
      reducer: runs.reducer,
    },
  };
  const previous = plan.previous && {
    query: compilePlan(plan.previous.plan, compiler),
    attach: plan.previous.attach,
  };
  return {
    compiled,
    shape: plan.shape,
    ...(chunked ? { chunked } : {}),
    ...(previous ? { previous } : {}),
  };
}

function planOf(query: AnalyticsQuery, ctx: PlanContext): Plan<AnalyticsResult> {
  switch (query.kind) {
    case 'trends':
      return planTrends(query, ctx);
    case 'funnel':
      return planFunnel(query, ctx);
    case 'retention':
      return query.breakdown ? planRetentionBreakdown(query, ctx) : planRetention(query, ctx);
    case 'stickiness':
      return planStickiness(query, ctx);
    case 'persons':
      return planPersons(query, ctx);
    case 'lifecycle':
      return planLifecycle(query, ctx);
    case 'paths':
      return planPaths(query, ctx);
    default: {
      const never: never = query;
      throw new Error(`unknown query kind ${JSON.stringify(never)}`);
    }
  }
}

import { type CompileOptions, compileQuery } from '@opsloop/engine';
import type { AnalyticsQuery, AnalyticsResult } from '@opsloop/schema';
import type { EventStore } from '../events/event-store.js';

/**
 * Answers an analytics query on an event store: compile for the store's
 * dialect, execute, shape. Throws the engine's `QueryPlanError` for queries
 * that cannot be planned (the route maps it to a 400 naming the field).
 */
/** The part of an event store that analytics needs. */
export type AnalyticsSource = Pick<EventStore, 'dialect' | 'execute'>;

export async function runAnalyticsQuery(
  store: AnalyticsSource,
  query: AnalyticsQuery,
  context: Omit<CompileOptions, 'dialect'>,
): Promise<AnalyticsResult> {
  if (store.dialect !== 'duckdb') throw new Error(`no analytics compiler for ${store.dialect} yet`);
  const { compiled, shape } = compileQuery(query, { ...context, dialect: 'duckdb' });
  return shape(await store.execute(compiled));
}

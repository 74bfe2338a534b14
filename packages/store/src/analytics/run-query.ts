import {
  type ColumnChunk,
  type CompiledAnalyticsQuery,
  type CompiledQuery,
  type CompileOptions,
  compileQuery,
} from '@opsloop/engine';
import type { AnalyticsQuery, AnalyticsResult } from '@opsloop/schema';
import type { EventStore } from '../events/event-store.js';

/**
 * Answers an analytics query on an event store: compile for the store's
 * dialect, execute, shape. Throws the engine's `QueryPlanError` for queries
 * that cannot be planned (the route maps it to a 400 naming the field).
 */
/** The part of an event store that analytics needs. */
export type AnalyticsSource = Pick<EventStore, 'dialect' | 'execute'> & {
  /** Streams the result as column chunks; large results (funnels) use it when present. */
  readonly executeChunks?: (
    query: CompiledQuery,
    onChunk: (chunk: ColumnChunk) => void,
  ) => Promise<void>;
};

export async function runAnalyticsQuery(
  store: AnalyticsSource,
  query: AnalyticsQuery,
  context: Omit<CompileOptions, 'dialect'>,
): Promise<AnalyticsResult> {
  return run(store, compileQuery(query, { ...context, dialect: store.dialect }));
}

async function run(store: AnalyticsSource, q: CompiledAnalyticsQuery): Promise<AnalyticsResult> {
  // Both periods' statements are sent at once: the store runs them one after
  // the other, and shaping one result overlaps the other's execution.
  const [result, previous] = await Promise.all([
    runOne(store, q),
    q.previous && run(store, q.previous.query),
  ]);
  return q.previous && previous ? q.previous.attach(result, previous) : result;
}

async function runOne(store: AnalyticsSource, q: CompiledAnalyticsQuery): Promise<AnalyticsResult> {
  if (q.chunked && store.executeChunks) {
    const reducer = q.chunked.reducer();
    await store.executeChunks(q.chunked.compiled, (chunk) => reducer.add(chunk));
    return reducer.finish();
  }
  return q.shape(await store.execute(q.compiled));
}

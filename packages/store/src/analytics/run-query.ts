import {
  type ColumnChunk,
  type CompiledAnalyticsQuery,
  type CompiledQuery,
  type CompileOptions,
  compileQuery,
  type FunnelShardThreads,
} from '@opsloop/engine';
import type { AnalyticsQuery, AnalyticsResult } from '@opsloop/schema';
import type { EventStore } from '../events/event-store.js';
import { FunnelThreadError } from './funnel-threads/funnel-thread-pool.js';

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
    onChunk: (chunk: ColumnChunk) => void | Promise<void>,
  ) => Promise<void>;
  /** Threads that take a share of a streamed funnel's per-person pass. */
  readonly funnelThreads?: FunnelShardThreads | undefined;
};

export async function runAnalyticsQuery(
  store: AnalyticsSource,
  query: AnalyticsQuery,
  context: Omit<CompileOptions, 'dialect'>,
): Promise<AnalyticsResult> {
  return run(store, compileQuery(query, { ...context, dialect: store.dialect }));
}

async function run(store: AnalyticsSource, q: CompiledAnalyticsQuery): Promise<AnalyticsResult> {
  const streamed = q.chunked && store.executeChunks ? q.chunked : undefined;
  const previous = streamed?.bothPeriods ? undefined : q.previous;
  // Both periods' statements are sent at once: the store runs them one after
  // the other, and shaping one result overlaps the other's execution.
  const [result, before] = await Promise.all([
    streamed ? runChunked(store, streamed) : store.execute(q.compiled).then(q.shape),
    previous && run(store, previous.query),
  ]);
  return previous && before ? previous.attach(result, before) : result;
}

async function runChunked(
  store: AnalyticsSource,
  q: NonNullable<CompiledAnalyticsQuery['chunked']>,
): Promise<AnalyticsResult> {
  try {
    return await readAndFold(store, q, store.funnelThreads);
  } catch (err) {
    // A funnel thread that failed (a crash, its memory) costs a second read
    // on this thread, not the answer.
    if (!(err instanceof FunnelThreadError) || !store.funnelThreads) throw err;
    return readAndFold(store, q, undefined);
  }
}

async function readAndFold(
  store: AnalyticsSource,
  q: NonNullable<CompiledAnalyticsQuery['chunked']>,
  funnelThreads: FunnelShardThreads | undefined,
): Promise<AnalyticsResult> {
  const reducer = q.reducer({ funnelThreads });
  try {
    await store.executeChunks?.(q.compiled, (chunk) => reducer.add(chunk));
  } catch (err) {
    reducer.cancel();
    throw err;
  }
  return reducer.finish();
}

import {
  type ColumnChunk,
  type CompiledAnalyticsQuery,
  type CompiledQuery,
  type CompileOptions,
  compileQuery,
  type FunnelShardThreads,
  PersonOrderError,
  type PersonRunsQuery,
} from '@opsloop/engine';
import type { AnalyticsQuery, AnalyticsResult } from '@opsloop/schema';
import type { EventParts, EventStore } from '../events/event-store.js';
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
  /**
   * The sizes of the person-ordered part and of the part that arrived since
   * (`EventStore.unsortedEvents`). Funnels fold the sorted part as person
   * runs only when most events are sorted: the recent part is sorted at
   * query time and merged in, which costs more than the runs save once it is
   * a large share. Absent: always (where the planner offers runs).
   */
  readonly unsortedEvents?: () => Promise<EventParts>;
  /**
   * Changes around each compaction's commit, odd during it
   * (`DuckDBEventStore.eventPartsVersion`): a funnel's runs take several
   * statements, and are trusted only if no compaction committed among them.
   */
  readonly eventPartsVersion?: () => number;
};

/** A compaction committed while a funnel's statements ran: they may have read different parts. */
class PartsChangedError extends Error {
  override readonly name = 'PartsChangedError';
}

/**
 * At most this many recent events per sorted one for person runs. Measured on
 * 10M events (`bench/query/ab-funnels.mjs --compact --tail-days N`), against
 * grouping every event: with none recent the runs are 1.15–1.46× faster, with
 * 10% recent 1.12–1.27×, with 33% still 1.1–1.3× for 3 steps but even for 20.
 * The compaction job keeps the recent part under 10% of the sorted one.
 */
const RUNS_MAX_RECENT_SHARE = 0.25;

export async function runAnalyticsQuery(
  store: AnalyticsSource,
  query: AnalyticsQuery,
  context: Omit<CompileOptions, 'dialect'>,
): Promise<AnalyticsResult> {
  const options = { ...context, dialect: store.dialect };
  const q = compileQuery(query, options);
  if (!q.chunked?.personRuns || !store.executeChunks || !store.unsortedEvents)
    return run(store, q, true);
  // Planned again knowing how many persons the sorted part numbers: its runs are cut into slices.
  const parts = await store.unsortedEvents();
  const useRuns = parts.sorted > 0 && parts.recent <= RUNS_MAX_RECENT_SHARE * parts.sorted;
  return run(
    store,
    useRuns ? compileQuery(query, { ...options, sortedPersons: parts.persons }) : q,
    useRuns,
  );
}

async function run(
  store: AnalyticsSource,
  q: CompiledAnalyticsQuery,
  useRuns: boolean,
): Promise<AnalyticsResult> {
  const streamed = q.chunked && store.executeChunks ? q.chunked : undefined;
  const previous = streamed?.bothPeriods ? undefined : q.previous;
  // Both periods' statements are sent at once: the store runs them one after
  // the other, and shaping one result overlaps the other's execution.
  const [result, before] = await Promise.all([
    streamed ? runChunked(store, streamed, useRuns) : store.execute(q.compiled).then(q.shape),
    previous && run(store, previous.query, useRuns),
  ]);
  return previous && before ? previous.attach(result, before) : result;
}

async function runChunked(
  store: AnalyticsSource,
  q: NonNullable<CompiledAnalyticsQuery['chunked']>,
  useRuns: boolean,
): Promise<AnalyticsResult> {
  try {
    return await readAndFold(store, q, store.funnelThreads, useRuns);
  } catch (err) {
    // A funnel thread that failed (a crash, its memory) costs a second read
    // on this thread, not the answer.
    if (!(err instanceof FunnelThreadError) || !store.funnelThreads) throw err;
    return readAndFold(store, q, undefined, useRuns);
  }
}

async function readAndFold(
  store: AnalyticsSource,
  q: NonNullable<CompiledAnalyticsQuery['chunked']>,
  funnelThreads: FunnelShardThreads | undefined,
  useRuns: boolean,
): Promise<AnalyticsResult> {
  // Planned where the dialect keeps events in a person-ordered part and a recent one.
  const runs = useRuns ? q.personRuns : undefined;
  if (runs) {
    try {
      return await readAndFoldRuns(store, runs, funnelThreads);
    } catch (err) {
      // The sorted part did not stream in person order, or a compaction fell
      // among the statements: the grouping pass, one statement, still answers.
      if (!(err instanceof PersonOrderError || err instanceof PartsChangedError)) throw err;
    }
  }
  const reducer = q.reducer({ funnelThreads });
  try {
    await store.executeChunks?.(q.compiled, (chunk) => reducer.add(chunk));
  } catch (err) {
    reducer.cancel();
    throw err;
  }
  return reducer.finish();
}

/** The recent part's events by person, then the persons to divert, then the sorted part's runs. */
async function readAndFoldRuns(
  store: AnalyticsSource,
  q: PersonRunsQuery<AnalyticsResult>,
  funnelThreads: FunnelShardThreads | undefined,
): Promise<AnalyticsResult> {
  const version = store.eventPartsVersion?.();
  const reducer = q.reducer({ funnelThreads });
  try {
    if (version !== undefined && version % 2 === 1) throw new PartsChangedError('compacting');
    // The recent part before the merges: a merge that lands in between is
    // then diverted with the rows stored under either end.
    await store.executeChunks?.(q.recent, (chunk) => reducer.addRecent(chunk));
    await store.executeChunks?.(q.divert, (chunk) => reducer.divert(chunk));
    // All slices at once: the store runs each statement after the previous
    // one's, so the next runs while this thread folds the previous one's rows,
    // which wait for the slices before them to be folded.
    let before: Promise<void> = Promise.resolve();
    const slices = q.runs.map((slice) => {
      const after = before;
      before =
        store.executeChunks?.(slice, async (chunk) => {
          await after;
          return reducer.addRuns(chunk);
        }) ?? Promise.resolve();
      return before;
    });
    await Promise.all(slices);
    if (store.eventPartsVersion?.() !== version)
      throw new PartsChangedError('a compaction committed among the statements');
  } catch (err) {
    reducer.cancel();
    throw err;
  }
  return reducer.finish();
}

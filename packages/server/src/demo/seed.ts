import { setImmediate } from 'node:timers/promises';
import type { CanonicalEvent } from '@opsloop/schema';
import type { AppContext } from '../app-context.js';
import { type BulkStores, BulkWriter, type BulkWriterOptions } from '../pipeline/bulk-write.js';
import type { IngestPipeline } from '../pipeline/open-pipeline.js';
import { type DemoOptions, generateDemoBatches } from './generate.js';
import { demoBatchesInWorker } from './worker-batches.js';

/** Where seeded demo events go: the pipeline, the running server's spool, a test array. */
export interface DemoSink {
  /** `day` is the simulated local day (0-based) the batch was cut in; days come in order. */
  write(batch: readonly CanonicalEvent[], at: { readonly day: number }): Promise<void>;
  /** Called once after the last batch: make everything written queryable. */
  finish?(): Promise<void>;
}

export interface DemoProgress {
  readonly day: number;
  readonly days: number;
  readonly events: number;
  readonly persons: number;
}

export interface DemoSeedSummary {
  readonly events: number;
  readonly persons: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/**
 * Generates the demo world and writes it into `sink`, batch by batch
 * (generation waits for each write, so memory stays flat).
 *
 * @example
 * const summary = await seedDemo(pipelineDemoSink(pipeline), { projectId, persons: 20_000, days: 60, seed: 1, endAt: Date.now() });
 */
export async function seedDemo(
  sink: DemoSink,
  options: DemoOptions,
  onProgress?: (p: DemoProgress) => void,
): Promise<DemoSeedSummary> {
  const started = performance.now();
  let events = 0;
  let persons = 0;
  for (const batch of generateDemoBatches(options)) {
    await sink.write(batch.events, { day: batch.day });
    events = batch.eventsSoFar;
    persons = batch.personsSoFar;
    onProgress?.({ day: batch.day, days: batch.days, events, persons });
  }
  await sink.finish?.();
  const seconds = (performance.now() - started) / 1000;
  return { events, persons, seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0 };
}

/**
 * Writes through an opened pipeline that this process owns (the CLI): spools
 * each batch and flushes every `eventsPerFlush` events, as `opsloop import` does.
 */
export function pipelineDemoSink(
  pipeline: Pick<IngestPipeline, 'sink' | 'flusher'>,
  options: { eventsPerFlush?: number } = {},
): DemoSink {
  const every = options.eventsPerFlush ?? 50_000;
  let pending = 0;
  return {
    async write(batch) {
      await pipeline.sink.accept(batch);
      pending += batch.length;
      if (pending >= every) {
        await pipeline.flusher.drain();
        pending = 0;
      }
    },
    finish: () => pipeline.flusher.drain(),
  };
}

/**
 * Writes through the trusted bulk path (`BulkWriter`: no spool, no dedup probe;
 * the project must have no events yet), generating and resolving in this
 * thread: the baseline of `seedDemoBulk`. Chunks of at least `chunkEvents`
 * (default 200k: more than one DuckDB row group, as the flusher's) are cut
 * where a simulated day ends, so each chunk's persons are resolved in
 * event-time order with whole days; the next chunk is generated while the
 * previous one is written.
 */
export function bulkDemoSink(stores: BulkStores, options: BulkWriterOptions = {}): DemoSink {
  const writer = new BulkWriter(stores, options);
  const chunkEvents = options.chunkEvents ?? 200_000;
  let pendingDay = -1;
  return {
    async write(batch, at) {
      if (at.day !== pendingDay && writer.pending >= chunkEvents) await writer.cut();
      pendingDay = at.day;
      writer.add(batch);
      // Generation and `add` are synchronous and their awaits only microtasks: without
      // a turn of the event loop the previous chunk's write, whose every DuckDB
      // statement completes as an I/O callback, would only advance at the next cut.
      await setImmediate();
    },
    async finish() {
      await writer.finish();
    },
  };
}

/**
 * Seeds through the trusted bulk path (the project must have no events yet)
 * with the world generated, resolved and encoded in a worker thread
 * (`demoBatchesInWorker`): the world is new, so its persons are resolved there
 * against memory and reach the identity store folded, about once every
 * `identityEveryEvents` (default 500k), each time before the events they cover
 * are written. This thread only commits and drives the writes. What
 * `opsloop demo` and first start use.
 *
 * @example
 * await seedDemoBulk(pipeline, { projectId, persons: 20_000, days: 60, seed: 1, endAt: Date.now() });
 */
export async function seedDemoBulk(
  stores: BulkStores,
  options: DemoOptions,
  onProgress?: (p: DemoProgress) => void,
  bulk: { identityEveryEvents?: number } & BulkWriterOptions = {},
): Promise<DemoSeedSummary> {
  const started = performance.now();
  const writer = new BulkWriter(stores, bulk);
  let events = 0;
  let persons = 0;
  const stream = demoBatchesInWorker(
    options,
    bulk.identityEveryEvents ? { identityEveryEvents: bulk.identityEveryEvents } : {},
  );
  for await (const m of stream) {
    if (m.type === 'identity') {
      await writer.commitResolved(m.changes);
      continue;
    }
    writer.addResolved(m.batch);
    events = m.at.eventsSoFar;
    persons = m.at.personsSoFar;
    onProgress?.({ day: m.at.day, days: m.at.days, events, persons });
  }
  await writer.finish();
  const seconds = (performance.now() - started) / 1000;
  return { events, persons, seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes into a running server's spool and lets its background flusher move
 * the events on; holds back while the spool is deep, and `finish` waits until
 * everything is queryable.
 */
export function serverDemoSink(
  ctx: Pick<AppContext, 'ingestion'> & { ingest?: AppContext['ingest'] },
  options: { maxSpooled?: number; pollMs?: number } = {},
): DemoSink {
  const ingest = ctx.ingest;
  if (!ingest) throw new Error('the server has no ingest pipeline to seed the demo through');
  const maxSpooled = options.maxSpooled ?? 200_000;
  const pollMs = options.pollMs ?? 100;
  return {
    async write(batch) {
      while (ctx.ingestion.stats().spooledEvents > maxSpooled) await sleep(pollMs);
      await ingest.sink.accept(batch);
    },
    async finish() {
      while (ctx.ingestion.stats().spooledEvents > 0) await sleep(pollMs);
    },
  };
}

/** What `npm start` seeds on first start: enough for every chart to have a shape. */
export const FIRST_START_DEMO = Object.freeze({ persons: 20_000, days: 60, seed: 'opsloop-demo' });

/**
 * Seeds the demo project when it has no events yet, and returns null when it
 * had some (so a restart never doubles the data). With `ctx.bulk` the events go
 * through the bulk path (flusher paused), otherwise through the spool. Progress goes to the log
 * (about every tenth of the days) unless `onProgress` is given.
 *
 * @example
 * await ensureDemoWorkspace(ctx, {
 *   seedDemoEvents: ({ projectId, timezone }) => seedDemoIfEmpty(ctx, projectId, { timezone }).then(() => {}),
 * });
 */
export async function seedDemoIfEmpty(
  ctx: AppContext,
  projectId: string,
  options: {
    persons?: number;
    days?: number;
    seed?: string | number;
    timezone?: string;
    currency?: string;
    onProgress?: (p: DemoProgress) => void;
  } = {},
): Promise<DemoSeedSummary | null> {
  const rows = await ctx.events.execute<{ n: number | bigint }>({
    sql: 'SELECT count(*) AS n FROM events WHERE project_id = $1',
    parameters: [projectId],
  });
  if (Number(rows[0]?.n ?? 0) > 0 || ctx.ingestion.stats().spooledEvents > 0) return null;
  const days = options.days ?? FIRST_START_DEMO.days;
  let lastLogged = -1;
  const onProgress =
    options.onProgress ??
    ((p: DemoProgress) => {
      const tenth = Math.floor((p.day * 10) / p.days);
      if (tenth === lastLogged) return;
      lastLogged = tenth;
      ctx.log.info({ day: p.day + 1, days: p.days, events: p.events }, 'seeding demo events');
    });
  const demo = {
    projectId,
    persons: options.persons ?? FIRST_START_DEMO.persons,
    days,
    seed: options.seed ?? FIRST_START_DEMO.seed,
    endAt: ctx.now(),
    ...(options.timezone ? { timezone: options.timezone } : {}),
    ...(options.currency ? { currency: options.currency } : {}),
  };
  // The bulk path pauses the server's flusher while it writes (both advance
  // the identity watermark); captured events wait in the spool meanwhile.
  const summary = ctx.bulk
    ? await ctx.bulk.exclusive(async (stores) => {
        if ((await stores.events.countEvents(projectId)) > 0) return null;
        // Smaller folds and chunks than the default: the last fold's writes are
        // the part nothing overlaps, and the first-start world is only a few folds.
        return seedDemoBulk(stores, demo, onProgress, {
          identityEveryEvents: 125_000,
          chunkEvents: 125_000,
        });
      })
    : await seedDemo(serverDemoSink(ctx), demo, onProgress);
  if (!summary) return null;
  ctx.log.info({ ...summary }, 'demo events seeded');
  // In person order at once, so that the first funnels fold it (see the compaction job).
  const compacted = await ctx.events.compactEvents?.();
  if (compacted) ctx.log.info({ ms: Math.round(compacted.ms) }, 'demo events compacted');
  return summary;
}

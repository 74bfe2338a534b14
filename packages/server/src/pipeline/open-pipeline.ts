import { join } from 'node:path';
import type { CanonicalEvent } from '@opsloop/schema';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import type { EventStore } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import { Spool } from '@opsloop/store/spool/spool';
import type { Logger } from 'pino';
import { Flusher, type FlushStats } from './flusher.js';

/**
 * Where the capture edge hands normalised events. `accept` resolves once the
 * events are durable (spooled and fsync'd); a client may then be told 200.
 */
export interface EventSink {
  accept(events: readonly CanonicalEvent[]): Promise<void>;
  /** Counts events dropped at the edge (bots, …) per project and day. */
  recordDropped(projectId: string, reason: string, count: number): void;
}

export interface IngestPipeline {
  readonly sink: EventSink;
  readonly events: EventStore;
  readonly identity: IdentityStore;
  readonly spool: Spool;
  readonly flusher: Flusher;
  stats(): FlushStats;
  /** Flushes everything spooled into the event store, then closes every store. */
  close(): Promise<void>;
}

export interface PipelineOptions {
  readonly dataDir: string;
  readonly log: Logger;
  readonly now?: () => number;
  /** Run the background flush loop (the server does; an import drains by itself). */
  readonly background?: boolean;
  readonly maxEventsPerFlush?: number;
  readonly flushIntervalMs?: number;
  /** Threads for funnels on the embedded event store (`DuckDBEventStore`'s option). */
  readonly funnelThreads?: number | undefined;
  /** Flush into this store instead of `<dataDir>/events.duckdb` (ClickHouse); the pipeline closes it. */
  readonly events?: EventStore;
  /** Resolve identities here instead of `<dataDir>/identity.sqlite` (PostgreSQL); the pipeline closes it. */
  readonly identity?: IdentityStore;
}

/**
 * Opens `<dataDir>/events.duckdb`, `identity.sqlite` and `spool.sqlite`,
 * replays whatever a crash left in the spool, and starts the flush loop.
 * Throws `EventStoreLockedError` when another process holds the DuckDB file.
 *
 * @example
 * const pipeline = await openPipeline({ dataDir, log, background: true });
 * await pipeline.sink.accept(events); // durable
 * await pipeline.close();             // flushed into DuckDB
 */
export async function openPipeline(o: PipelineOptions): Promise<IngestPipeline> {
  const events =
    o.events ??
    (await DuckDBEventStore.open(
      join(o.dataDir, 'events.duckdb'),
      o.funnelThreads === undefined ? {} : { funnelThreads: o.funnelThreads },
    ));
  const identity = o.identity ?? SqliteIdentityStore.open(join(o.dataDir, 'identity.sqlite'));
  const spool = Spool.open(join(o.dataDir, 'spool.sqlite'), o.now ? { now: o.now } : {});
  const flusher = new Flusher({
    spool,
    identity,
    events,
    log: o.log,
    ...(o.now ? { now: o.now } : {}),
    ...(o.maxEventsPerFlush ? { maxEvents: o.maxEventsPerFlush } : {}),
    ...(o.flushIntervalMs ? { intervalMs: o.flushIntervalMs } : {}),
  });
  const backlog = spool.depth();
  if (backlog.events > 0) {
    o.log.info({ events: backlog.events }, 'replaying events spooled before the last stop');
  }
  if (o.background) flusher.start();
  let closing: Promise<void> | undefined;
  return {
    sink: {
      accept: (batch) => spool.enqueue(batch),
      recordDropped: (projectId, reason, count) => spool.recordDropped(projectId, reason, count),
    },
    events,
    identity,
    spool,
    flusher,
    stats: () => flusher.stats(),
    close: () => {
      closing ??= (async () => {
        try {
          await spool.seal(); // commits what is pending; later accepts fail
          await flusher.stop();
        } finally {
          await spool.close();
          await identity.close();
          await events.close();
        }
      })();
      return closing;
    },
  };
}

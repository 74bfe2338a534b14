import { performance } from 'node:perf_hooks';
import type { EventStore } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import type { Spool } from '@opsloop/store/spool/spool';
import type { Logger } from 'pino';
import { type PreparedFlush, prepareFlush } from './prepare-flush.js';
import { toMirror } from './to-mirror.js';

export interface FlushStats {
  /** Batches and events accepted but not yet in the event store. */
  readonly spooledBatches: number;
  readonly spooledEvents: number;
  /** When the oldest batch still spooled was accepted (ms since the epoch), or null. */
  readonly oldestSpooledAt: number | null;
  readonly flushedEvents: number;
  readonly duplicatesSkipped: number;
  /** Ms from acceptance of the oldest batch of the last flush to its commit. */
  readonly lastFlushLagMs: number | null;
  readonly lastFlushAt: number | null;
  readonly lastError: string | null;
}

export interface FlusherOptions {
  readonly spool: Spool;
  readonly identity: IdentityStore;
  readonly events: EventStore;
  readonly log: Logger;
  readonly now?: () => number;
  /** Events per flush (a flush is one identity commit and one DuckDB transaction). */
  readonly maxEvents?: number;
  readonly intervalMs?: number;
  /** How the background loop groups flushes under load (see `FlushBatching`). */
  readonly batching?: Partial<FlushBatching>;
  /**
   * The main thread's event-loop utilisation (0–1) since the previous call;
   * `performance.eventLoopUtilization` by default.
   */
  readonly utilization?: () => number;
}

/**
 * Under load the background loop waits to flush more at once: a flush costs
 * about 25 ms of CPU whatever its size (the dedup probe, the commits), so
 * 2,500-event flushes cost 27–36 µs per event, 10,000-event ones 20–22 µs and
 * 200,000-event ones 17 µs (every thread, `bench/ingest/flush-size.mjs`). Half
 * a second between runs gives ~10k-event flushes at 20k events/s for at most
 * half a second more lag. Quiet traffic is flushed as soon as before.
 *
 * When the process is saturated (its main thread busy most of the time, as
 * at ~100k events/s on two cores) the flush competes with accepting for the
 * same cores, and every flush it saves is CPU given back to accepting: the
 * loop then waits longer, for full-sized flushes. Measured on the HTTP bench:
 * flushes of ~50k events kept up with 61–82k events/s beside ~92k accepted;
 * flushes of 200k kept up with 94k beside 108k accepted. The lag under such
 * a burst grows to about `saturatedGapMs`; at lower rates nothing changes.
 */
export interface FlushBatching {
  /** A run that moved at least this many events means ingestion is busy. */
  readonly busyEvents: number;
  /** When busy, the next run starts at least this long (ms) after the last one started… */
  readonly minGapMs: number;
  /** …unless this many events are already waiting. */
  readonly enoughEvents: number;
  /** Event-loop utilisation at or above which the process counts as saturated. */
  readonly saturatedUtilization: number;
  /** When saturated, the gap between runs (a full-sized flush still goes at once). */
  readonly saturatedGapMs: number;
}

const DEFAULT_BATCHING: FlushBatching = {
  busyEvents: 1_000,
  minGapMs: 500,
  enoughEvents: 50_000,
  saturatedUtilization: 0.5,
  saturatedGapMs: 2_000,
};

/** The main thread's event-loop utilisation between calls. */
function eventLoopUtilization(): () => number {
  let mark = performance.eventLoopUtilization();
  return () => {
    const { utilization } = performance.eventLoopUtilization(mark);
    mark = performance.eventLoopUtilization();
    return utilization;
  };
}

/** Flushes per run of the background loop before it yields to a fresh timer. */
const FLUSHES_PER_RUN = 16;

/**
 * Moves spooled batches into the event store, in order. Crash-safe by ordering:
 * identity is committed (with an outbox entry) before events are appended, the
 * DuckDB transaction appends events and mirrors every outbox entry it has not
 * seen, and spool rows are deleted last. After `kill -9` the unflushed batches
 * are replayed; events already stored are skipped by (project, uuid).
 *
 * Flushes are pipelined: the next one is prepared (spool read, dedup, identity)
 * while the previous one is written to DuckDB, and is written only if that
 * write succeeded, so writes stay in order and a failure stops the chain.
 */
export class Flusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;
  private flushed = 0;
  private duplicates = 0;
  private lastLag: number | null = null;
  private lastAt: number | null = null;
  private lastError: string | null = null;
  private readonly now: () => number;
  private readonly maxEvents: number;
  private readonly intervalMs: number;
  private readonly batching: FlushBatching;
  private readonly utilization: () => number;
  /** When the last background run started and how many events it moved. */
  private lastRunAt = 0;
  private lastRunEvents = 0;
  /** Whether the process was saturated when the background loop last looked. */
  private saturated = false;

  constructor(private readonly o: FlusherOptions) {
    this.now = o.now ?? Date.now;
    this.maxEvents = o.maxEvents ?? 200_000;
    this.intervalMs = o.intervalMs ?? 250;
    this.batching = { ...DEFAULT_BATCHING, ...o.batching };
    this.utilization = o.utilization ?? eventLoopUtilization();
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop, then flushes everything spooled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
    await this.drain();
  }

  /** Flushes until the spool is empty. */
  async drain(): Promise<void> {
    while ((await this.flushOnce()) > 0) {
      // keep going
    }
  }

  stats(): FlushStats {
    const depth = this.o.spool.depth();
    return {
      spooledBatches: depth.batches,
      spooledEvents: depth.events,
      oldestSpooledAt: depth.oldestAcceptedAt,
      flushedEvents: this.flushed,
      duplicatesSkipped: this.duplicates,
      lastFlushLagMs: this.lastLag,
      lastFlushAt: this.lastAt,
      lastError: this.lastError,
    };
  }

  /**
   * Flushes back to back (up to a few flushes) until the spool is empty; returns
   * how many spooled batches were consumed. Never runs twice at once.
   */
  flushOnce(): Promise<number> {
    return this.queue({ eager: true });
  }

  private queue(opts: { eager: boolean }): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.run(opts));
    this.running = run;
    return run;
  }

  /** Events waiting that make a flush worth running without the gap. */
  private enoughEvents(): number {
    const b = this.batching;
    return this.saturated ? Math.max(b.enoughEvents, this.maxEvents) : b.enoughEvents;
  }

  /** Ms the background loop should still wait before its next run (0: run now). */
  private holdBack(): number {
    const b = this.batching;
    // Sampled on every poll, so a burst is noticed within one poll and its end too.
    this.saturated = this.utilization() >= b.saturatedUtilization;
    if (this.lastRunEvents < b.busyEvents) return 0;
    const gap = this.saturated ? Math.max(b.minGapMs, b.saturatedGapMs) : b.minGapMs;
    const wait = this.lastRunAt + gap - this.now();
    if (wait <= 0 || this.o.spool.depth().events >= this.enoughEvents()) return 0;
    return wait;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const hold = this.holdBack();
      if (hold > 0) {
        // Polled, so that a burst reaching `enoughEvents` is flushed without the full wait.
        this.schedule(Math.min(hold, 100));
        return;
      }
      this.queue({ eager: false }).then(
        (n) => {
          this.lastError = null;
          const behind = n > 0 && this.o.spool.depth().events > 0;
          this.schedule(behind ? 0 : this.intervalMs);
        },
        (err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
          this.o.log.error({ err }, 'flushing the spool failed; retrying');
          this.schedule(Math.max(1000, this.intervalMs));
        },
      );
    }, delay);
    this.timer.unref();
  }

  private async run(opts: { eager: boolean }): Promise<number> {
    const { events, identity, spool } = this.o;
    let mirroredSeq = await events.identityWatermark();
    let writing: { readonly flush: PreparedFlush; readonly done: Promise<void> } | undefined;
    let consumed = 0;
    let moved = 0;
    if (!opts.eager) this.lastRunAt = this.now();
    try {
      for (let n = 0; n < FLUSHES_PER_RUN; n++) {
        // A background run under load goes on (pipelined) only while the flush is
        // not catching up: a full-sized flush, or one as large as the flush being
        // written, is already waiting. Otherwise the next run waits for the gap.
        if (n > 0 && !opts.eager && this.lastRunEvents + moved >= this.batching.busyEvents) {
          const inFlight = writing?.flush.total ?? 0;
          const waiting = spool.depth().events - inFlight;
          if (waiting < Math.min(this.enoughEvents(), Math.max(inFlight, 1))) break;
        }
        const next = await prepareFlush({
          ...this.o,
          maxEvents: this.maxEvents,
          inFlight: writing?.flush,
          mirroredSeq,
        });
        if (writing) {
          const done = writing.done;
          writing = undefined;
          await done;
        }
        if (!next) break;
        mirroredSeq = next.mirroredSeq;
        const done = this.write(next);
        // Handled here so a failure while the next flush is prepared is not "unhandled".
        done.catch(() => undefined);
        writing = { flush: next, done };
        consumed += next.batches;
        moved += next.total;
      }
      if (writing) await writing.done;
      writing = undefined;
      if (!opts.eager) this.lastRunEvents = moved;
      // Identity committed before a crash but never mirrored, with nothing left to flush.
      if (consumed === 0) {
        const outbox = await identity.changesAfter(mirroredSeq);
        if (outbox.length > 0) {
          await events.writeEncoded({
            events: { rows: '', count: 0 },
            personIds: [],
            identity: outbox.map(toMirror),
          });
          await identity.pruneThrough(outbox.at(-1)?.seq ?? mirroredSeq);
          return 1;
        }
      }
      return consumed;
    } finally {
      await writing?.done.catch(() => undefined);
    }
  }

  private async write(f: PreparedFlush): Promise<void> {
    const { spool, identity, events } = this.o;
    await events.writeEncoded({
      events: { rows: f.rows, count: f.total },
      personIds: f.personIds,
      identity: f.identity.map(toMirror),
    });
    if (f.identity.length > 0) await identity.pruneThrough(f.mirroredSeq);
    await spool.deleteThrough(f.lastId);
    this.flushed += f.fresh;
    this.duplicates += f.total - f.fresh;
    this.lastAt = this.now();
    this.lastLag = this.lastAt - f.firstAcceptedAt;
  }
}

import type { CanonicalEvent } from '@opsloop/schema';
import { type EventStore, eventKey } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import type { Spool } from '@opsloop/store/spool/spool';
import type { Logger } from 'pino';
import { resolveIdentities } from './resolve-identities.js';
import { toMirror } from './to-mirror.js';

export interface FlushStats {
  /** Batches and events accepted but not yet in the event store. */
  readonly spooledBatches: number;
  readonly spooledEvents: number;
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
}

/**
 * Moves spooled batches into the event store, in order. Crash-safe by ordering:
 * identity is committed (with an outbox entry) before events are appended, the
 * DuckDB transaction appends events and mirrors every outbox entry it has not
 * seen, and spool rows are deleted last. After `kill -9` the unflushed batches
 * are replayed; events already stored are skipped by (project, uuid).
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

  constructor(private readonly o: FlusherOptions) {
    this.now = o.now ?? Date.now;
    this.maxEvents = o.maxEvents ?? 50_000;
    this.intervalMs = o.intervalMs ?? 250;
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
      flushedEvents: this.flushed,
      duplicatesSkipped: this.duplicates,
      lastFlushLagMs: this.lastLag,
      lastFlushAt: this.lastAt,
      lastError: this.lastError,
    };
  }

  /** One flush; returns how many spooled batches it consumed. Never runs twice at once. */
  flushOnce(): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.flush());
    this.running = run;
    return run;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.flushOnce().then(
        (n) => {
          this.lastError = null;
          const behind = n > 0 && this.o.spool.depth().events >= this.maxEvents;
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

  private async flush(): Promise<number> {
    const { spool, identity, events } = this.o;
    const batches = spool.readBatches({ maxEvents: this.maxEvents });
    const watermark = await events.identityWatermark();
    const outbox = await identity.changesAfter(watermark);
    if (batches.length === 0 && outbox.length === 0) return 0;

    const unique = new Map<string, CanonicalEvent>();
    let total = 0;
    for (const b of batches) {
      for (const e of b.events) {
        total++;
        const key = eventKey(e.projectId, e.uuid);
        if (!unique.has(key)) unique.set(key, e);
      }
    }
    const candidates = [...unique.values()];
    const stored = await events.findStored(candidates);
    const fresh = candidates.filter((e) => !stored.has(eventKey(e.projectId, e.uuid)));

    const resolved = await resolveIdentities(fresh, identity);
    const c = resolved.changes;
    const hasChanges =
      c.merges.length + c.distinctIds.length + c.persons.length + c.groups.length > 0;
    const pending = [...outbox];
    if (hasChanges) pending.push({ ...c, seq: await identity.commit(c) });

    await events.write({ events: resolved.events, identity: pending.map(toMirror) });
    const last = pending.at(-1);
    if (last) await identity.pruneThrough(last.seq);
    const lastBatch = batches.at(-1);
    if (lastBatch) spool.deleteThrough(lastBatch.id);

    this.flushed += fresh.length;
    this.duplicates += total - fresh.length;
    const first = batches[0];
    if (first) {
      this.lastAt = this.now();
      this.lastLag = this.lastAt - first.acceptedAt;
    }
    return Math.max(batches.length, pending.length > 0 ? 1 : 0);
  }
}

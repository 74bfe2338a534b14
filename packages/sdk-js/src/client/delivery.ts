import { classifyAttempt } from '../core/backoff.js';
import { batchBody, type WireEvent } from '../core/event.js';
import { appendBounded, chunkBySize } from '../core/queue.js';
import type { ClientEnv } from './env.js';
import { type KeyValueStore, readJson } from './storage.js';

export interface DeliveryOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  /** Where the offline queue is kept (localStorage or memory). */
  readonly store: KeyValueStore;
  readonly storeKey: string;
}

/** sendBeacon and keepalive fetches fail above 64 KB; leave room for the envelope. */
const MAX_BEACON_BYTES = 60_000;

function isWireEvent(value: unknown): value is WireEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['uuid'] === 'string' &&
    typeof v['event'] === 'string' &&
    typeof v['distinct_id'] === 'string' &&
    typeof v['timestamp'] === 'string' &&
    v['properties'] !== null &&
    typeof v['properties'] === 'object'
  );
}

/**
 * The outgoing queue: batches by size and interval, one request at a time,
 * retries with backoff, persists itself so events survive offline periods and
 * reloads, and hands what is left to sendBeacon when the page goes away.
 */
export class Delivery {
  private queue: WireEvent[];
  /** How many events at the head of the queue are in the current request. */
  private inFlight = 0;
  private sending: Promise<void> | null = null;
  private attempt = 0;
  private blockedUntil = 0;
  private timer: unknown = null;
  private timerDueAt = 0;
  /** Events dropped because the queue was full or the server refused them. */
  dropped = 0;

  constructor(
    private readonly env: ClientEnv,
    private readonly options: DeliveryOptions,
  ) {
    const stored = readJson(options.store, options.storeKey);
    const restored = Array.isArray(stored) ? stored.filter(isWireEvent) : [];
    const bounded = appendBounded([], restored, options.maxQueue);
    this.queue = bounded.queue;
    this.dropped += bounded.dropped;
    if (this.queue.length > 0) this.schedule(0);
  }

  get size(): number {
    return this.queue.length;
  }

  enqueue(event: WireEvent): void {
    const next = appendBounded(this.queue, [event], this.options.maxQueue);
    if (next.dropped > 0) {
      // Never drop what a request is carrying; its outcome is still pending.
      this.inFlight = Math.max(0, this.inFlight - next.dropped);
      this.dropped += next.dropped;
      this.env.log(`queue full: dropped ${next.dropped} oldest event(s)`);
    }
    this.queue = next.queue;
    this.persist();
    if (this.queue.length - this.inFlight >= this.options.batchSize) this.schedule(0);
    else this.schedule(this.options.flushIntervalMs);
  }

  /** Sends everything that can be sent now; resolves when the queue is empty or delivery must wait. */
  flush(): Promise<void> {
    if (this.sending) return this.sending.then(() => this.flush());
    if (this.queue.length === 0 || !this.env.isOnline()) return Promise.resolve();
    if (this.env.now() < this.blockedUntil) {
      this.schedule(this.blockedUntil - this.env.now());
      return Promise.resolve();
    }
    const run = this.sendLoop().finally(() => {
      this.sending = null;
    });
    this.sending = run;
    return run;
  }

  /** The page is going away: hand the queue (except what is already in flight) to sendBeacon. */
  pageHide(): void {
    if (!this.env.isOnline()) return;
    const pending = this.queue.slice(this.inFlight);
    if (pending.length === 0) return;
    const chunks = chunkBySize(
      pending,
      (e) => JSON.stringify(e).length,
      MAX_BEACON_BYTES,
      this.options.batchSize * 4,
    );
    const handed = new Set<WireEvent>();
    for (const chunk of chunks) {
      const body = batchBody(this.options.apiKey, chunk, this.env.now());
      if (!this.env.transport.beacon(this.options.url, body)) break;
      for (const e of chunk) handed.add(e);
    }
    if (handed.size > 0) {
      this.queue = this.queue.filter((e) => !handed.has(e));
      this.persist();
    }
  }

  /** Connectivity came back: forget the backoff and send. */
  online(): Promise<void> {
    this.blockedUntil = 0;
    this.attempt = 0;
    return this.flush();
  }

  /** Forgets every queued event (opt-out). */
  clear(): void {
    this.queue = this.queue.slice(0, this.inFlight);
    this.persist();
  }

  private async sendLoop(): Promise<void> {
    while (this.queue.length > 0 && this.env.isOnline()) {
      const batch = this.queue.slice(0, this.options.batchSize);
      this.inFlight = batch.length;
      let result: Awaited<ReturnType<typeof this.env.transport.send>>;
      try {
        result = await this.env.transport.send(
          this.options.url,
          batchBody(this.options.apiKey, batch, this.env.now()),
        );
      } catch {
        result = { status: 0, retryAfter: null };
      }
      const sent = this.inFlight;
      this.inFlight = 0;
      const outcome = classifyAttempt(result, {
        attempt: this.attempt,
        random: this.env.random(),
        nowMs: this.env.now(),
      });
      if (outcome.kind === 'retry') {
        this.attempt++;
        this.blockedUntil = this.env.now() + outcome.delayMs;
        this.env.log(`delivery failed (HTTP ${result.status}); retrying in ${outcome.delayMs} ms`);
        this.schedule(outcome.delayMs);
        return;
      }
      if (outcome.kind === 'drop') {
        this.dropped += sent;
        this.env.log(`server refused ${sent} event(s): ${outcome.reason}`);
      }
      this.attempt = 0;
      this.queue = this.queue.slice(sent);
      this.persist();
    }
  }

  /** Arms the flush timer, keeping an earlier deadline if one is set. */
  private schedule(ms: number): void {
    const due = this.env.now() + ms;
    if (this.timer !== null && this.timerDueAt <= due) return;
    if (this.timer !== null) this.env.clearTimer(this.timer);
    this.timerDueAt = due;
    this.timer = this.env.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private persist(): void {
    this.options.store.set(this.options.storeKey, JSON.stringify(this.queue));
  }
}

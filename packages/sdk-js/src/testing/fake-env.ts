import type { ClientEnv, Transport } from '../client/env.js';
import { type KeyValueStore, memoryStore } from '../client/storage.js';
import type { AttemptResult } from '../core/backoff.js';
import type { BatchBody, PageInfo } from '../core/event.js';

interface Timer {
  readonly id: number;
  readonly dueMs: number;
  readonly fn: () => void;
}

/** A manual clock: timers run only when the test advances time. */
export class FakeClock {
  nowMs = Date.UTC(2025, 0, 15, 12, 0, 0);
  private timers: Timer[] = [];
  private nextId = 1;

  setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, dueMs: this.nowMs + Math.max(0, ms), fn });
    return id;
  };

  clearTimer = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, running due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = Math.max(this.nowMs, due.dueMs);
      due.fn();
    }
    this.nowMs = target;
    await settle();
  }
}

/** Lets pending promise chains run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A transport that records every body and answers from a script (default 200). */
export class FakeTransport implements Transport {
  readonly sent: BatchBody[] = [];
  readonly beacons: BatchBody[] = [];
  /** Responses to give, in order; afterwards every request gets 200. */
  responses: AttemptResult[] = [];
  beaconAccepts = true;
  /** Requests whose response has not been released yet, when `hold` is set. */
  hold = false;
  private held: Array<() => void> = [];

  send(_url: string, body: string): Promise<AttemptResult> {
    this.sent.push(JSON.parse(body) as BatchBody);
    const result = this.responses.shift() ?? { status: 200, retryAfter: null };
    if (!this.hold) return Promise.resolve(result);
    return new Promise((resolve) => this.held.push(() => resolve(result)));
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const r of held) r();
  }

  beacon(_url: string, body: string): boolean {
    if (!this.beaconAccepts) return false;
    this.beacons.push(JSON.parse(body) as BatchBody);
    return true;
  }

  /** Every event in every accepted request, in order. */
  get events(): BatchBody['batch'][number][] {
    return this.sent.flatMap((b) => b.batch);
  }
}

export interface FakeEnv extends ClientEnv {
  readonly clock: FakeClock;
  readonly fakeTransport: FakeTransport;
  page: () => PageInfo;
  online: boolean;
  dnt: boolean;
  readonly logs: string[];
}

/** Shared by every fake env, so two "page loads" in one test never mint the same id. */
let counter = 0;

/** A complete ClientEnv over fakes; `storage` may be shared to simulate a reload. */
export function fakeEnv(options: { storage?: KeyValueStore; clock?: FakeClock } = {}): FakeEnv {
  const clock = options.clock ?? new FakeClock();
  const transport = new FakeTransport();
  const env: FakeEnv = {
    clock,
    fakeTransport: transport,
    transport,
    storage: options.storage ?? memoryStore(),
    now: () => clock.nowMs,
    random: () => 0.5,
    randomBytes: (n) => {
      counter++;
      // The counter fills the last bytes so ids never collide within a test.
      return Array.from({ length: n }, (_, i) =>
        i >= n - 4 ? (counter >>> (8 * (n - 1 - i))) & 255 : i * 17,
      );
    },
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    page: () => ({ url: 'https://shop.example/', referrer: '', title: 'Shop' }),
    isOnline: () => env.online,
    doNotTrack: () => env.dnt,
    online: true,
    dnt: false,
    logs: [],
    log: (message) => {
      env.logs.push(message);
    },
  };
  return env;
}

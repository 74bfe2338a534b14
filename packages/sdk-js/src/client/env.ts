import type { AttemptResult } from '../core/backoff.js';
import type { PageInfo } from '../core/event.js';
import type { KeyValueStore } from './storage.js';

/** How batches leave the page. */
export interface Transport {
  /** Posts a body; resolves with status 0 on a network error, never rejects. */
  send(url: string, body: string): Promise<AttemptResult>;
  /** Queues a body for delivery after the page is gone; false when the browser refused it. */
  beacon(url: string, body: string): boolean;
}

/** Everything the client needs from the outside world, injected so the client runs under node:test. */
export interface ClientEnv {
  readonly transport: Transport;
  /** Persistent storage (localStorage); the client falls back to memory when asked to. */
  readonly storage: KeyValueStore;
  readonly now: () => number;
  readonly random: () => number;
  /** Random bytes for ids (crypto.getRandomValues in browsers). */
  readonly randomBytes: (n: number) => ArrayLike<number>;
  readonly setTimer: (fn: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  readonly page: () => PageInfo;
  readonly isOnline: () => boolean;
  /** True when the browser sends Do Not Track. */
  readonly doNotTrack: () => boolean;
  readonly log: (message: string, detail?: unknown) => void;
}

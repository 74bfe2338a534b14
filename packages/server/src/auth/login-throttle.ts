import type { MetaStore } from '@opsloop/store';

/**
 * Counts failed sign-ins per (email, IP) and per email over a sliding window.
 * The failures live in the metadata store, so every API node of a cluster
 * sees the same count. Successful sign-in clears the pair.
 */
export class LoginThrottle {
  constructor(
    private readonly options: {
      readonly failures: MetaStore['signInFailures'];
      readonly now: () => number;
      readonly windowMs?: number;
      readonly maxPerPair?: number;
      readonly maxPerEmail?: number;
    },
  ) {}

  get #windowMs() {
    return this.options.windowMs ?? 15 * 60_000;
  }

  /** Milliseconds until another attempt is allowed, or 0 when allowed now. */
  async retryAfterMs(email: string, ip: string): Promise<number> {
    const now = this.options.now();
    const [pair, perEmail] = [pairKey(email, ip), emailKey(email)];
    const recent = await this.options.failures.since([pair, perEmail], now - this.#windowMs);
    return Math.max(
      waitMs(recent.get(pair) ?? [], this.options.maxPerPair ?? 5, this.#windowMs, now),
      waitMs(recent.get(perEmail) ?? [], this.options.maxPerEmail ?? 50, this.#windowMs, now),
    );
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const now = this.options.now();
    await this.options.failures.record(
      [pairKey(email, ip), emailKey(email)],
      now,
      now - this.#windowMs,
    );
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.options.failures.clear(pairKey(email, ip));
  }
}

/**
 * How long until fewer than `max` of `times` (oldest first, all within the
 * window) remain in the window ending now: 0 when already fewer.
 */
export function waitMs(times: readonly number[], max: number, windowMs: number, now: number) {
  if (times.length < max) return 0;
  const oldestCounted = times[times.length - max] ?? now;
  return Math.max(0, oldestCounted + windowMs - now);
}

const pairKey = (email: string, ip: string) => `${email.trim().toLowerCase()}\n${ip}`;
const emailKey = (email: string) => `${email.trim().toLowerCase()}\n*`;

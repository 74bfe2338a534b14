/**
 * Counts failed sign-ins per (email, IP) and per email over a sliding window.
 * Pure and in memory: one server process is the unit (a cluster would share
 * this through its database later). Successful sign-in clears the pair.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly options: {
      now: () => number;
      windowMs?: number;
      maxPerPair?: number;
      maxPerEmail?: number;
    },
  ) {}

  get #windowMs() {
    return this.options.windowMs ?? 15 * 60_000;
  }

  /** Milliseconds until another attempt is allowed, or 0 when allowed now. */
  retryAfterMs(email: string, ip: string): number {
    const now = this.options.now();
    const check = (key: string, max: number) => {
      const recent = this.#recent(key, now);
      return recent.length >= max ? (recent[recent.length - max] ?? now) + this.#windowMs - now : 0;
    };
    return Math.max(
      check(pairKey(email, ip), this.options.maxPerPair ?? 5),
      check(emailKey(email), this.options.maxPerEmail ?? 50),
    );
  }

  recordFailure(email: string, ip: string): void {
    const now = this.options.now();
    for (const key of [pairKey(email, ip), emailKey(email)]) {
      this.#failures.set(key, [...this.#recent(key, now), now]);
    }
    // Keeps memory bounded under a spray of distinct emails.
    if (this.#failures.size > 50_000) this.#failures.clear();
  }

  recordSuccess(email: string, ip: string): void {
    this.#failures.delete(pairKey(email, ip));
  }

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}

const pairKey = (email: string, ip: string) => `${email.trim().toLowerCase()}\n${ip}`;
const emailKey = (email: string) => `${email.trim().toLowerCase()}\n*`;

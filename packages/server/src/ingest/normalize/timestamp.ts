/** Events further ahead than this (ms) are clamped to the receive time: clocks that wrong are not skew. */
export const MAX_FUTURE_MS = 23 * 60 * 60 * 1000;

/**
 * Reads a client timestamp (ISO string or epoch milliseconds) as epoch
 * milliseconds. Returns undefined for null/undefined and NaN for junk.
 */
export function parseClientTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : Number.NaN;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? Number.NaN : ms;
  }
  return Number.NaN;
}

export interface TimestampInput {
  /** When the event happened by the client's clock (ms), if it said. */
  readonly timestamp?: number | undefined;
  /** When the client sent the request by its own clock (ms): `sent_at`, `sentAt` or `_`. */
  readonly sentAt?: number | undefined;
  /** Ms between the event and the request (PostHog `offset`); used without a timestamp. */
  readonly offsetMs?: number | undefined;
  /** When the server received the request (ms). */
  readonly receivedAt: number;
}

export interface ResolvedTimestamp {
  readonly timestamp: number;
  /** Set when the event claimed a time too far in the future; holds that claim (ms). */
  readonly clampedFrom?: number;
}

/**
 * Event time in server-clock milliseconds. With a send time the client's clock
 * skew is removed (`receivedAt − (sentAt − timestamp)`); without one the
 * timestamp is trusted; with neither, an `offset` counts back from receipt,
 * else the event happened when it was received. More than 23 h in the future
 * is clamped to the receive time.
 */
export function resolveTimestamp(input: TimestampInput): ResolvedTimestamp {
  const { timestamp, sentAt, offsetMs, receivedAt } = input;
  let ts: number;
  if (timestamp !== undefined) {
    ts = sentAt !== undefined ? receivedAt - (sentAt - timestamp) : timestamp;
  } else if (offsetMs !== undefined) {
    ts = receivedAt - Math.trunc(offsetMs);
  } else {
    ts = receivedAt;
  }
  if (ts - receivedAt > MAX_FUTURE_MS) return { timestamp: receivedAt, clampedFrom: ts };
  return { timestamp: ts };
}

/** Events further ahead than this (ms) are clamped to the receive time: clocks that wrong are not skew. */
export const MAX_FUTURE_MS = 23 * 60 * 60 * 1000;

/**
 * Reads a client timestamp (ISO string or epoch milliseconds) as epoch
 * milliseconds. Returns undefined for null/undefined and NaN for junk.
 */
export function parseClientTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : Number.NaN;
  if (typeof value === 'string') return parseDate(value);
  return Number.NaN;
}

/** Digits of `s` from `from` to `to` (exclusive) as a number, or -1 if any is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `Date.parse`, with a fast path for the `toISOString()` form every SDK sends
 * (`2024-01-02T03:04:05.678Z`; V8's general parser costs about a microsecond,
 * and this runs per event). Only values that are certainly valid take the fast
 * path, so the result is always what `Date.parse` gives.
 */
export function parseDate(value: string): number {
  if (
    value.length === 24 &&
    value.charCodeAt(4) === 45 && // -
    value.charCodeAt(7) === 45 &&
    value.charCodeAt(10) === 84 && // T
    value.charCodeAt(13) === 58 && // :
    value.charCodeAt(16) === 58 &&
    value.charCodeAt(19) === 46 && // .
    value.charCodeAt(23) === 90 // Z
  ) {
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 7);
    const day = digits(value, 8, 10);
    const hour = digits(value, 11, 13);
    const minute = digits(value, 14, 16);
    const second = digits(value, 17, 19);
    const ms = digits(value, 20, 23);
    if (
      year >= 1000 && // Date.UTC reads years 0–99 as 1900–1999
      ms >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 28 &&
      hour >= 0 &&
      hour < 24 &&
      minute >= 0 &&
      minute < 60 &&
      second >= 0 &&
      second < 60
    ) {
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  return Date.parse(value);
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
  return resolveTimestampOf(input.timestamp, input.sentAt, input.offsetMs, input.receivedAt);
}

/** {@link resolveTimestamp} without the argument object: it runs once per event. */
export function resolveTimestampOf(
  timestamp: number | undefined,
  sentAt: number | undefined,
  offsetMs: number | undefined,
  receivedAt: number,
): ResolvedTimestamp {
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

/** What to do with a batch after a delivery attempt. */
export type DeliveryOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'drop'; readonly reason: string };

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

const BASE_MS = 1000;
const MAX_MS = 60_000;
/** A server asking for more than this is capped, so the queue is not stuck for hours. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^attempt)). */
export function backoffDelayMs(
  attempt: number,
  random: number,
  options: BackoffOptions = {},
): number {
  const cap = Math.min(
    options.maxMs ?? MAX_MS,
    (options.baseMs ?? BASE_MS) * 2 ** Math.max(0, attempt),
  );
  return Math.floor(Math.min(Math.max(random, 0), 0.999999) * cap);
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null || value.trim() === '') return null;
  const v = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

export interface AttemptResult {
  /** HTTP status, or 0 for a network error. */
  readonly status: number;
  readonly retryAfter: string | null;
}

/**
 * Classifies a response: 2xx is delivered; 429 waits for `Retry-After`;
 * network errors, 408 and 5xx back off; anything else (400, 401, 413…) can
 * never succeed and is dropped.
 */
export function classifyAttempt(
  result: AttemptResult,
  context: { readonly attempt: number; readonly random: number; readonly nowMs: number },
  options: BackoffOptions = {},
): DeliveryOutcome {
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'sent' };
  const backoff = backoffDelayMs(context.attempt, context.random, options);
  if (status === 429) {
    const after = parseRetryAfter(result.retryAfter, context.nowMs);
    return { kind: 'retry', delayMs: after ?? backoff };
  }
  if (status === 0 || status === 408 || status >= 500) return { kind: 'retry', delayMs: backoff };
  return { kind: 'drop', reason: `HTTP ${status}` };
}

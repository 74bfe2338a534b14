/** A browser session: rotated after 30 idle minutes, or after 24 hours in any case. */
export interface SessionState {
  readonly id: string;
  readonly startedMs: number;
  readonly lastActivityMs: number;
}

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;

export interface SessionOptions {
  readonly nowMs: number;
  readonly newId: () => string;
  /** True when an event is being captured; reading the id is not activity. */
  readonly activity: boolean;
  readonly idleMs?: number;
  readonly maxMs?: number;
}

/** The session to use now: the previous one while it is alive, else a fresh one. */
export function resolveSession(
  prev: SessionState | null | undefined,
  options: SessionOptions,
): SessionState {
  const { nowMs, activity } = options;
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const maxMs = options.maxMs ?? SESSION_MAX_MS;
  // A clock that went backwards keeps the session rather than splitting it.
  const alive =
    prev != null &&
    nowMs - prev.lastActivityMs <= idleMs &&
    nowMs - prev.startedMs <= maxMs &&
    typeof prev.id === 'string';
  if (prev != null && alive) {
    if (!activity || nowMs <= prev.lastActivityMs) return prev;
    return { id: prev.id, startedMs: prev.startedMs, lastActivityMs: nowMs };
  }
  return { id: options.newId(), startedMs: nowMs, lastActivityMs: nowMs };
}

import { createHash, randomUUID } from 'node:crypto';

/** The form zod's `z.uuid()` accepts (RFC 9562 versions 1–8, plus nil and max). */
const UUID_RE =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/**
 * A time-ordered (version 7) uuid: 48 bits of milliseconds, then randomness.
 * Built from `randomUUID()` (pooled entropy, fast) with the time spliced in.
 */
export function uuidV7(nowMs: number): string {
  const hex = Math.max(0, Math.trunc(nowMs)).toString(16).padStart(12, '0').slice(-12);
  const r = randomUUID();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19)}`;
}

/**
 * A deterministic (version 5 style, SHA-1) uuid for a client message id that
 * is not itself a uuid, scoped to the project, so a retried message maps to the
 * same uuid and is stored once.
 */
export function uuidFromMessageId(projectId: string, messageId: string): string {
  const h = createHash('sha1').update(`opsloop:${projectId}\u0000${messageId}`).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** The event's uuid: the client's own when it is one, derived from it otherwise, else new. */
export function eventUuid(
  projectId: string,
  clientId: string | null | undefined,
  nowMs: number,
): string {
  if (clientId)
    return isUuid(clientId) ? clientId.toLowerCase() : uuidFromMessageId(projectId, clientId);
  return uuidV7(nowMs);
}

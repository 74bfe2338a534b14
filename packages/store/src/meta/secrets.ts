import { createHash, randomBytes } from 'node:crypto';

/** A random, URL-safe id with a readable prefix: `newId('usr')` → `usr_3q2…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(15).toString('base64url')}`;
}

/** A high-entropy secret (192 bits) with a prefix that says what it is: `olw_…`, `ols_…`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/**
 * Secrets we generate have 192 bits of entropy, so a plain SHA-256 is enough
 * to store them: there is nothing to brute-force. Passwords need scrypt.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What is shown of a secret after creation: prefix and first 8 random characters. */
export function displayPrefix(secret: string): string {
  const cut = secret.indexOf('_');
  return secret.slice(0, cut + 1 + 8);
}

let sequence = 0;

/**
 * An id that sorts by creation time (then by creation order within a process),
 * for logs read newest first: `aud_<ms base36><counter><random>`.
 */
export function newSortableId(prefix: string, at: number): string {
  sequence = (sequence + 1) % 36 ** 4;
  const time = at.toString(36).padStart(9, '0');
  const seq = sequence.toString(36).padStart(4, '0');
  return `${prefix}_${time}${seq}${randomBytes(6).toString('base64url')}`;
}

export const ID_PREFIX = {
  user: 'usr',
  session: 'ses',
  org: 'org',
  group: 'grp',
  project: 'prj',
  key: 'key',
  invitation: 'inv',
  audit: 'aud',
} as const;

export const WRITE_KEY_PREFIX = 'olw';
export const SECRET_KEY_PREFIX = 'ols';

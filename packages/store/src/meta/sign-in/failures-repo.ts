import { type SqlDriver, stmt } from '../segments/driver.js';

/**
 * Failed sign-ins, by throttle key (an email with an IP, or an email alone),
 * in the metadata store so that every API node of a cluster counts the same
 * attempts: a password sprayed across nodes is throttled as if it hit one.
 */
export interface SignInFailuresRepo {
  /** Each key's failure times at or after `since`, oldest first (keys without any are absent). */
  since(keys: readonly string[], since: number): Promise<Map<string, number[]>>;
  /** Records one failure under every key, and drops failures older than `forgetBefore`. */
  record(keys: readonly string[], at: number, forgetBefore: number): Promise<void>;
  /** Forgets a key's failures (a successful sign-in clears its email-and-IP key). */
  clear(key: string): Promise<void>;
}

/** Portable as written: BIGINT times, TEXT keys. */
export const SIGN_IN_FAILURES_SQL = `
  CREATE TABLE sign_in_failures (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
  );
  CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
  CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
`;

export function signInFailuresRepo(db: SqlDriver): SignInFailuresRepo {
  return {
    async since(keys, since) {
      const out = new Map<string, number[]>();
      if (keys.length === 0) return out;
      const rows = await db.all<{ key: string; at: number | string }>(
        `SELECT key, at FROM sign_in_failures WHERE key IN (${keys.map(() => '?').join(', ')}) AND at >= ? ORDER BY at`,
        [...keys, since],
      );
      for (const r of rows) out.set(r.key, [...(out.get(r.key) ?? []), Number(r.at)]);
      return out;
    },
    async record(keys, at, forgetBefore) {
      await db.batch([
        stmt('DELETE FROM sign_in_failures WHERE at < ?', forgetBefore),
        ...keys.map((key) => stmt('INSERT INTO sign_in_failures (key, at) VALUES (?, ?)', key, at)),
      ]);
    },
    async clear(key) {
      await db.batch([stmt('DELETE FROM sign_in_failures WHERE key = ?', key)]);
    },
  };
}

import type { Database } from 'better-sqlite3';
import { DuplicateError, type SessionsRepo, type UsersRepo } from '../meta-store.js';
import { normalizeEmail, toUser, type UserRow } from '../rows.js';
import { hashSecret, ID_PREFIX, newId, newSecret } from '../secrets.js';
import type { Session } from '../types.js';

export function sqliteUsers(db: Database, now: () => number): UsersRepo {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email_norm = ?');
  return {
    async create({ email, name, passwordHash }) {
      const row: UserRow = {
        id: newId(ID_PREFIX.user),
        email: email.trim(),
        name,
        password_hash: passwordHash,
        created_at: now(),
      };
      try {
        db.prepare(
          `INSERT INTO users (id, email, email_norm, name, password_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(row.id, row.email, normalizeEmail(email), name, passwordHash, row.created_at);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateError(`A user with email ${email} exists.`);
        throw err;
      }
      return toUser(row);
    },
    async byId(id) {
      const r = byId.get(id);
      return r ? toUser(r) : null;
    },
    async byEmail(email) {
      const r = byEmail.get(normalizeEmail(email));
      return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
    },
    async passwordHash(id) {
      return byId.get(id)?.password_hash ?? null;
    },
    async setPassword(id, passwordHash) {
      db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
    },
    async count() {
      return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    },
  };
}

interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}
const toSession = (r: SessionRow): Session => ({
  id: r.id,
  userId: r.user_id,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export function sqliteSessions(db: Database, now: () => number): SessionsRepo {
  const byHash = db.prepare<[string, number], SessionRow>(
    'SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?',
  );
  return {
    async create({ userId, ttlMs }) {
      const token = newSecret('ses');
      const at = now();
      const row: SessionRow = {
        id: newId(ID_PREFIX.session),
        user_id: userId,
        csrf_token: newSecret('csrf'),
        created_at: at,
        expires_at: at + ttlMs,
      };
      db.prepare(
        `INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(row.id, userId, hashSecret(token), row.csrf_token, row.created_at, row.expires_at);
      return { session: toSession(row), token };
    },
    async byToken(token) {
      const r = byHash.get(hashSecret(token), now());
      return r ? toSession(r) : null;
    },
    async extend(sessionId, expiresAt) {
      db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, sessionId);
    },
    async delete(sessionId) {
      db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
    },
    async deleteForUser(userId, options = {}) {
      return db
        .prepare('DELETE FROM sessions WHERE user_id = ? AND id <> ?')
        .run(userId, options.exceptSessionId ?? '').changes;
    },
    async deleteExpired() {
      return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now()).changes;
    },
  };
}

export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err as { code: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

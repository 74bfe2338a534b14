import type pg from 'pg';
import { DuplicateError, type SessionsRepo, type UsersRepo } from '../meta-store.js';
import { normalizeEmail, toUser, type UserRow } from '../rows.js';
import { hashSecret, ID_PREFIX, newId, newSecret } from '../secrets.js';
import type { Session } from '../types.js';
import { changes, isUniqueViolation, row } from './pool.js';

export function postgresUsers(pool: pg.Pool, now: () => number): UsersRepo {
  const byId = (id: string) => row<UserRow>(pool, 'SELECT * FROM users WHERE id = $1', [id]);
  return {
    async create({ email, name, passwordHash }) {
      const r: UserRow = {
        id: newId(ID_PREFIX.user),
        email: email.trim(),
        name,
        password_hash: passwordHash,
        created_at: now(),
      };
      try {
        await pool.query(
          `INSERT INTO users (id, email, email_norm, name, password_hash, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [r.id, r.email, normalizeEmail(email), name, passwordHash, r.created_at],
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateError(`A user with email ${email} exists.`);
        throw err;
      }
      return toUser(r);
    },
    async byId(id) {
      const r = await byId(id);
      return r ? toUser(r) : null;
    },
    async byEmail(email) {
      const r = await row<UserRow>(pool, 'SELECT * FROM users WHERE email_norm = $1', [
        normalizeEmail(email),
      ]);
      return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
    },
    async passwordHash(id) {
      return (await byId(id))?.password_hash ?? null;
    },
    async setPassword(id, passwordHash) {
      await pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, id]);
    },
    async count() {
      return (await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM users'))?.n ?? 0;
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

export function postgresSessions(pool: pg.Pool, now: () => number): SessionsRepo {
  return {
    async create({ userId, ttlMs }) {
      const token = newSecret('ses');
      const at = now();
      const r: SessionRow = {
        id: newId(ID_PREFIX.session),
        user_id: userId,
        csrf_token: newSecret('csrf'),
        created_at: at,
        expires_at: at + ttlMs,
      };
      await pool.query(
        `INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [r.id, userId, hashSecret(token), r.csrf_token, r.created_at, r.expires_at],
      );
      return { session: toSession(r), token };
    },
    async byToken(token) {
      const r = await row<SessionRow>(
        pool,
        'SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > $2',
        [hashSecret(token), now()],
      );
      return r ? toSession(r) : null;
    },
    async extend(sessionId, expiresAt) {
      await pool.query('UPDATE sessions SET expires_at = $1 WHERE id = $2', [expiresAt, sessionId]);
    },
    async delete(sessionId) {
      await pool.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
    },
    async deleteForUser(userId, options = {}) {
      return changes(pool, 'DELETE FROM sessions WHERE user_id = $1 AND id <> $2', [
        userId,
        options.exceptSessionId ?? '',
      ]);
    },
    async deleteExpired() {
      return changes(pool, 'DELETE FROM sessions WHERE expires_at <= $1', [now()]);
    },
  };
}

import type { Database } from 'better-sqlite3';
import type { ApiKeysRepo, ProjectsRepo } from '../meta-store.js';
import { type ApiKeyRow, type ProjectRow, toApiKey, toProject } from '../rows.js';
import {
  displayPrefix,
  hashSecret,
  ID_PREFIX,
  newId,
  newSecret,
  SECRET_KEY_PREFIX,
  WRITE_KEY_PREFIX,
} from '../secrets.js';
import { DEFAULT_PROJECT_SETTINGS, type Project } from '../types.js';
import type { WriteKeyCache } from '../write-key-cache.js';

export function sqliteProjects(
  db: Database,
  now: () => number,
  cache: WriteKeyCache,
): ProjectsRepo {
  const row = db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE id = ?');
  const byKey = db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE write_key = ?');
  const load = (id: string) => {
    const r = row.get(id);
    return r ? toProject(r) : null;
  };
  return {
    async create({ orgId, name, timezone, currency, settings }) {
      const at = now();
      const id = newId(ID_PREFIX.project);
      db.prepare(
        `INSERT INTO projects (id, org_id, name, timezone, currency, write_key, settings,
                               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        orgId,
        name,
        timezone,
        currency,
        newSecret(WRITE_KEY_PREFIX),
        JSON.stringify({ ...DEFAULT_PROJECT_SETTINGS, ...settings }),
        at,
        at,
      );
      return load(id) as Project;
    },
    async byId(id) {
      return load(id);
    },
    async listForOrg(orgId) {
      return db
        .prepare<[string], ProjectRow>(
          'SELECT * FROM projects WHERE org_id = ? ORDER BY created_at, id',
        )
        .all(orgId)
        .map(toProject);
    },
    async update(id, patch) {
      const current = load(id);
      if (!current) return null;
      db.prepare(
        `UPDATE projects SET name = ?, timezone = ?, currency = ?, settings = ?, updated_at = ?
         WHERE id = ?`,
      ).run(
        patch.name ?? current.name,
        patch.timezone ?? current.timezone,
        patch.currency ?? current.currency,
        JSON.stringify({ ...current.settings, ...patch.settings }),
        now(),
        id,
      );
      cache.invalidateProject(id);
      return load(id);
    },
    async rotateWriteKey(id) {
      const changed = db
        .prepare('UPDATE projects SET write_key = ?, updated_at = ? WHERE id = ?')
        .run(newSecret(WRITE_KEY_PREFIX), now(), id).changes;
      cache.invalidateProject(id);
      return changed > 0 ? load(id) : null;
    },
    async byWriteKey(writeKey) {
      const hit = cache.get(writeKey);
      if (hit) return hit;
      const r = byKey.get(writeKey);
      if (!r) return null;
      const project = toProject(r);
      cache.set(project);
      return project;
    },
  };
}

/** Last use is recorded at most this often, so an API client does not write per request. */
const LAST_USED_GRANULARITY_MS = 60_000;

export function sqliteApiKeys(db: Database, now: () => number): ApiKeysRepo {
  const row = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?');
  return {
    async create({ projectId, userId, name, scopes }) {
      const secret = newSecret(SECRET_KEY_PREFIX);
      const id = newId(ID_PREFIX.key);
      db.prepare(
        `INSERT INTO api_keys (id, project_id, user_id, name, scopes, prefix, secret_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        projectId,
        userId,
        name,
        JSON.stringify([...new Set(scopes)]),
        displayPrefix(secret),
        hashSecret(secret),
        now(),
      );
      return { key: toApiKey(row.get(id) as ApiKeyRow), secret };
    },
    async byId(id) {
      const r = row.get(id);
      return r ? toApiKey(r) : null;
    },
    async listForProject(projectId) {
      return db
        .prepare<[string], ApiKeyRow>(
          `SELECT * FROM api_keys WHERE project_id = ? AND revoked_at IS NULL
           ORDER BY created_at DESC, id DESC`,
        )
        .all(projectId)
        .map(toApiKey);
    },
    async authenticate(secret) {
      const r = db
        .prepare<[string], ApiKeyRow>(
          'SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL',
        )
        .get(hashSecret(secret));
      if (!r) return null;
      const at = now();
      if (r.last_used_at === null || at - r.last_used_at >= LAST_USED_GRANULARITY_MS) {
        db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, r.id);
        r.last_used_at = at;
      }
      return toApiKey(r);
    },
    async revoke(id) {
      return (
        db
          .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
          .run(now(), id).changes > 0
      );
    },
  };
}

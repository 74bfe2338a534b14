import type pg from 'pg';
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
import { changes, row, rows, transaction } from './pool.js';

export function postgresProjects(
  pool: pg.Pool,
  now: () => number,
  cache: WriteKeyCache,
): ProjectsRepo {
  const load = async (id: string) => {
    const r = await row<ProjectRow>(pool, 'SELECT * FROM projects WHERE id = $1', [id]);
    return r ? toProject(r) : null;
  };
  return {
    async create({ orgId, name, timezone, currency, settings }) {
      const at = now();
      const r = await row<ProjectRow>(
        pool,
        `INSERT INTO projects (id, org_id, name, timezone, currency, write_key, settings,
                               created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          newId(ID_PREFIX.project),
          orgId,
          name,
          timezone,
          currency,
          newSecret(WRITE_KEY_PREFIX),
          JSON.stringify({ ...DEFAULT_PROJECT_SETTINGS, ...settings }),
          at,
          at,
        ],
      );
      return toProject(r as ProjectRow);
    },
    async byId(id) {
      return load(id);
    },
    async listForOrg(orgId) {
      const found = await rows<ProjectRow>(
        pool,
        'SELECT * FROM projects WHERE org_id = $1 ORDER BY created_at, id',
        [orgId],
      );
      return found.map(toProject);
    },
    async update(id, patch) {
      // Read and write under a row lock: settings are merged, and a concurrent
      // update on another node must not be lost between the two.
      const updated = await transaction(pool, async (tx) => {
        const r = await row<ProjectRow>(tx, 'SELECT * FROM projects WHERE id = $1 FOR UPDATE', [
          id,
        ]);
        if (!r) return null;
        const current = toProject(r);
        return row<ProjectRow>(
          tx,
          `UPDATE projects SET name = $1, timezone = $2, currency = $3, settings = $4,
                  updated_at = $5 WHERE id = $6 RETURNING *`,
          [
            patch.name ?? current.name,
            patch.timezone ?? current.timezone,
            patch.currency ?? current.currency,
            JSON.stringify({ ...current.settings, ...patch.settings }),
            now(),
            id,
          ],
        );
      });
      cache.invalidateProject(id);
      return updated ? toProject(updated) : null;
    },
    async rotateWriteKey(id) {
      const r = await row<ProjectRow>(
        pool,
        'UPDATE projects SET write_key = $1, updated_at = $2 WHERE id = $3 RETURNING *',
        [newSecret(WRITE_KEY_PREFIX), now(), id],
      );
      cache.invalidateProject(id);
      return r ? toProject(r) : null;
    },
    async byWriteKey(writeKey) {
      // Other nodes' rotations reach this cache when its entry expires (30 s).
      const hit = cache.get(writeKey);
      if (hit) return hit;
      const r = await row<ProjectRow>(pool, 'SELECT * FROM projects WHERE write_key = $1', [
        writeKey,
      ]);
      if (!r) return null;
      const project: Project = toProject(r);
      cache.set(project);
      return project;
    },
  };
}

/** Last use is recorded at most this often, so an API client does not write per request. */
const LAST_USED_GRANULARITY_MS = 60_000;

export function postgresApiKeys(pool: pg.Pool, now: () => number): ApiKeysRepo {
  const byId = (id: string) => row<ApiKeyRow>(pool, 'SELECT * FROM api_keys WHERE id = $1', [id]);
  return {
    async create({ projectId, userId, name, scopes }) {
      const secret = newSecret(SECRET_KEY_PREFIX);
      const r = await row<ApiKeyRow>(
        pool,
        `INSERT INTO api_keys (id, project_id, user_id, name, scopes, prefix, secret_hash,
                               created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          newId(ID_PREFIX.key),
          projectId,
          userId,
          name,
          JSON.stringify([...new Set(scopes)]),
          displayPrefix(secret),
          hashSecret(secret),
          now(),
        ],
      );
      return { key: toApiKey(r as ApiKeyRow), secret };
    },
    async byId(id) {
      const r = await byId(id);
      return r ? toApiKey(r) : null;
    },
    async listForProject(projectId) {
      const found = await rows<ApiKeyRow>(
        pool,
        `SELECT * FROM api_keys WHERE project_id = $1 AND revoked_at IS NULL
         ORDER BY created_at DESC, id DESC`,
        [projectId],
      );
      return found.map(toApiKey);
    },
    async authenticate(secret) {
      const r = await row<ApiKeyRow>(
        pool,
        'SELECT * FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL',
        [hashSecret(secret)],
      );
      if (!r) return null;
      const at = now();
      if (r.last_used_at === null || at - r.last_used_at >= LAST_USED_GRANULARITY_MS) {
        await pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, r.id]);
        r.last_used_at = at;
      }
      return toApiKey(r);
    },
    async revoke(id) {
      return (
        (await changes(
          pool,
          'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [now(), id],
        )) > 0
      );
    },
  };
}

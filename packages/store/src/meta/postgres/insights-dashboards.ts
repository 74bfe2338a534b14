import type pg from 'pg';
import {
  DASHBOARD_ID_PREFIX,
  type DashboardRow,
  type DashboardsRepo,
  INSIGHT_ID_PREFIX,
  type InsightRow,
  type InsightsRepo,
  tilesWithout,
  toDashboard,
  toInsight,
} from '../insights-types.js';
import { newId } from '../secrets.js';
import { changes, row, rows, transaction } from './pool.js';

export function postgresInsights(pool: pg.Pool, now: () => number): InsightsRepo {
  const load = async (id: string) => {
    const r = await row<InsightRow>(pool, 'SELECT * FROM insights WHERE id = $1', [id]);
    return r ? toInsight(r) : null;
  };
  return {
    async create({ projectId, name, description = '', query, display, createdBy }) {
      const at = now();
      const r = await row<InsightRow>(
        pool,
        `INSERT INTO insights (id, project_id, name, description, query, display, created_by,
                               created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          newId(INSIGHT_ID_PREFIX),
          projectId,
          name,
          description,
          JSON.stringify(query),
          JSON.stringify(display),
          createdBy,
          at,
          at,
        ],
      );
      return toInsight(r as InsightRow);
    },
    byId: load,
    async listForProject(projectId) {
      const found = await rows<InsightRow>(
        pool,
        'SELECT * FROM insights WHERE project_id = $1 ORDER BY updated_at DESC, id DESC',
        [projectId],
      );
      return found.map(toInsight);
    },
    async update(id, patch) {
      const r = await row<InsightRow>(
        pool,
        `UPDATE insights SET name = COALESCE($2, name), description = COALESCE($3, description),
                query = COALESCE($4, query), display = COALESCE($5, display), updated_at = $6
         WHERE id = $1 RETURNING *`,
        [
          id,
          patch.name ?? null,
          patch.description ?? null,
          patch.query ? JSON.stringify(patch.query) : null,
          patch.display ? JSON.stringify(patch.display) : null,
          now(),
        ],
      );
      return r ? toInsight(r) : null;
    },
    async delete(id) {
      return transaction(pool, async (client) => {
        const gone = await row<{ project_id: string }>(
          client,
          'DELETE FROM insights WHERE id = $1 RETURNING project_id',
          [id],
        );
        if (!gone) return false;
        // Locked so a concurrent rearrangement cannot put the tile back.
        const boards = await rows<DashboardRow>(
          client,
          'SELECT * FROM dashboards WHERE project_id = $1 FOR UPDATE',
          [gone.project_id],
        );
        for (const b of boards) {
          const kept = tilesWithout(toDashboard(b).tiles, id);
          if (kept)
            await changes(
              client,
              'UPDATE dashboards SET tiles = $2, updated_at = $3 WHERE id = $1',
              [b.id, JSON.stringify(kept), now()],
            );
        }
        return true;
      });
    },
  };
}

export function postgresDashboards(pool: pg.Pool, now: () => number): DashboardsRepo {
  return {
    async create({ projectId, name, description = '', tiles = [], createdBy }) {
      const at = now();
      const r = await row<DashboardRow>(
        pool,
        `INSERT INTO dashboards (id, project_id, name, description, tiles, created_by,
                                 created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          newId(DASHBOARD_ID_PREFIX),
          projectId,
          name,
          description,
          JSON.stringify(tiles),
          createdBy,
          at,
          at,
        ],
      );
      return toDashboard(r as DashboardRow);
    },
    async byId(id) {
      const r = await row<DashboardRow>(pool, 'SELECT * FROM dashboards WHERE id = $1', [id]);
      return r ? toDashboard(r) : null;
    },
    async listForProject(projectId) {
      // ctid is no creation order; ids are random, so ties in created_at fall back to the id.
      const found = await rows<DashboardRow>(
        pool,
        'SELECT * FROM dashboards WHERE project_id = $1 ORDER BY created_at, id',
        [projectId],
      );
      return found.map(toDashboard);
    },
    async update(id, patch) {
      const r = await row<DashboardRow>(
        pool,
        `UPDATE dashboards SET name = COALESCE($2, name), description = COALESCE($3, description),
                tiles = COALESCE($4, tiles), updated_at = $5
         WHERE id = $1 RETURNING *`,
        [
          id,
          patch.name ?? null,
          patch.description ?? null,
          patch.tiles ? JSON.stringify(patch.tiles) : null,
          now(),
        ],
      );
      return r ? toDashboard(r) : null;
    },
    async delete(id) {
      return (await changes(pool, 'DELETE FROM dashboards WHERE id = $1', [id])) > 0;
    },
  };
}

import type { Database } from 'better-sqlite3';
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

export function sqliteInsights(db: Database, now: () => number): InsightsRepo {
  const one = db.prepare<[string], InsightRow>('SELECT * FROM insights WHERE id = ?');
  const remove = db.transaction((id: string): boolean => {
    const found = one.get(id);
    if (!found) return false;
    db.prepare('DELETE FROM insights WHERE id = ?').run(id);
    const boards = db
      .prepare<[string], DashboardRow>('SELECT * FROM dashboards WHERE project_id = ?')
      .all(found.project_id);
    const write = db.prepare('UPDATE dashboards SET tiles = ?, updated_at = ? WHERE id = ?');
    for (const b of boards) {
      const kept = tilesWithout(toDashboard(b).tiles, id);
      if (kept) write.run(JSON.stringify(kept), now(), b.id);
    }
    return true;
  });
  return {
    async create({ projectId, name, description = '', query, display, createdBy }) {
      const id = newId(INSIGHT_ID_PREFIX);
      const at = now();
      db.prepare(
        `INSERT INTO insights (id, project_id, name, description, query, display, created_by,
                               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        projectId,
        name,
        description,
        JSON.stringify(query),
        JSON.stringify(display),
        createdBy,
        at,
        at,
      );
      return toInsight(one.get(id) as InsightRow);
    },
    async byId(id) {
      const r = one.get(id);
      return r ? toInsight(r) : null;
    },
    async listForProject(projectId) {
      return db
        .prepare<[string], InsightRow>(
          'SELECT * FROM insights WHERE project_id = ? ORDER BY updated_at DESC, id DESC',
        )
        .all(projectId)
        .map(toInsight);
    },
    async update(id, patch) {
      const r = one.get(id);
      if (!r) return null;
      db.prepare(
        `UPDATE insights SET name = ?, description = ?, query = ?, display = ?, updated_at = ?
         WHERE id = ?`,
      ).run(
        patch.name ?? r.name,
        patch.description ?? r.description,
        patch.query ? JSON.stringify(patch.query) : r.query,
        patch.display ? JSON.stringify(patch.display) : r.display,
        now(),
        id,
      );
      return toInsight(one.get(id) as InsightRow);
    },
    async delete(id) {
      return remove(id);
    },
  };
}

export function sqliteDashboards(db: Database, now: () => number): DashboardsRepo {
  const one = db.prepare<[string], DashboardRow>('SELECT * FROM dashboards WHERE id = ?');
  return {
    async create({ projectId, name, description = '', tiles = [], createdBy }) {
      const id = newId(DASHBOARD_ID_PREFIX);
      const at = now();
      db.prepare(
        `INSERT INTO dashboards (id, project_id, name, description, tiles, created_by,
                                 created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, projectId, name, description, JSON.stringify(tiles), createdBy, at, at);
      return toDashboard(one.get(id) as DashboardRow);
    },
    async byId(id) {
      const r = one.get(id);
      return r ? toDashboard(r) : null;
    },
    async listForProject(projectId) {
      // As on PostgreSQL: ties within a millisecond fall back to the id.
      return db
        .prepare<[string], DashboardRow>(
          'SELECT * FROM dashboards WHERE project_id = ? ORDER BY created_at, id',
        )
        .all(projectId)
        .map(toDashboard);
    },
    async update(id, patch) {
      const r = one.get(id);
      if (!r) return null;
      db.prepare(
        'UPDATE dashboards SET name = ?, description = ?, tiles = ?, updated_at = ? WHERE id = ?',
      ).run(
        patch.name ?? r.name,
        patch.description ?? r.description,
        patch.tiles ? JSON.stringify(patch.tiles) : r.tiles,
        now(),
        id,
      );
      return toDashboard(one.get(id) as DashboardRow);
    },
    async delete(id) {
      return db.prepare('DELETE FROM dashboards WHERE id = ?').run(id).changes > 0;
    },
  };
}

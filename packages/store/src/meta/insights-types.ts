/**
 * Saved insights and dashboards: what people keep of their analysis. An
 * insight is an analytics query plus how the console shows it; a dashboard is
 * an ordered list of tiles, each showing one saved insight of the same project.
 */

/** A JSON object as stored (the query and display settings are validated by the API). */
export type JsonRecord = Readonly<Record<string, unknown>>;

export interface SavedInsight {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  /** An analytics query (`AnalyticsQuery` of the schema package). */
  readonly query: JsonRecord;
  /** How the console draws it (chart type, rolling date range, builder state). */
  readonly display: JsonRecord;
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One place on a dashboard; `width` is in grid columns (1 or 2). */
export interface DashboardTile {
  readonly insightId: string;
  readonly width: 1 | 2;
}

export interface Dashboard {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  /** In display order (left to right, top to bottom). */
  readonly tiles: readonly DashboardTile[];
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface InsightsRepo {
  create(input: {
    projectId: string;
    name: string;
    description?: string;
    query: JsonRecord;
    display: JsonRecord;
    createdBy: string | null;
  }): Promise<SavedInsight>;
  byId(id: string): Promise<SavedInsight | null>;
  /** Most recently updated first. */
  listForProject(projectId: string): Promise<SavedInsight[]>;
  update(
    id: string,
    patch: { name?: string; description?: string; query?: JsonRecord; display?: JsonRecord },
  ): Promise<SavedInsight | null>;
  /** Deletes the insight and takes its tiles off the project's dashboards, atomically. */
  delete(id: string): Promise<boolean>;
}

export interface DashboardsRepo {
  create(input: {
    projectId: string;
    name: string;
    description?: string;
    tiles?: readonly DashboardTile[];
    createdBy: string | null;
  }): Promise<Dashboard>;
  byId(id: string): Promise<Dashboard | null>;
  /** Oldest first, so a project's dashboards keep their places in a list. */
  listForProject(projectId: string): Promise<Dashboard[]>;
  update(
    id: string,
    patch: { name?: string; description?: string; tiles?: readonly DashboardTile[] },
  ): Promise<Dashboard | null>;
  delete(id: string): Promise<boolean>;
}

export const INSIGHT_ID_PREFIX = 'ins';
export const DASHBOARD_ID_PREFIX = 'dsh';

/** Row shapes of `insights` and `dashboards` as both stores return them. */
export interface InsightRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  query: string;
  display: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
export interface DashboardRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  tiles: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export const toInsight = (r: InsightRow): SavedInsight => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  query: JSON.parse(r.query) as JsonRecord,
  display: JSON.parse(r.display) as JsonRecord,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toDashboard = (r: DashboardRow): Dashboard => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  tiles: JSON.parse(r.tiles) as DashboardTile[],
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Tiles without the ones showing `insightId`; null when none did (nothing to write). */
export function tilesWithout(
  tiles: readonly DashboardTile[],
  insightId: string,
): DashboardTile[] | null {
  const kept = tiles.filter((t) => t.insightId !== insightId);
  return kept.length === tiles.length ? null : kept;
}

/** The migration that adds both tables; the same SQL runs on SQLite and PostgreSQL. */
export const INSIGHTS_DASHBOARDS_SQL = `
  CREATE TABLE insights (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    query       TEXT NOT NULL,
    display     TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
  );
  CREATE INDEX insights_project ON insights(project_id, updated_at);
  CREATE TABLE dashboards (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    tiles       TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
  );
  CREATE INDEX dashboards_project ON dashboards(project_id, created_at);
`;

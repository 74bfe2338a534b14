import { api } from './client';
import type { AnyQuery } from './query';

/** Saved insights and dashboards (`/api/projects/:id/insights`, `/dashboards`). */

/** How the console shows a saved insight: the builder's address and a rolling range. */
export interface InsightDisplay {
  /** The Insights view's query string without the dates (kind and builder state). */
  readonly params?: string;
  /** Shown over the last N days, ending today, wherever it is opened. */
  readonly rollingDays?: number;
}

export interface SavedInsight {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly query: AnyQuery;
  readonly display: InsightDisplay;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DashboardTile {
  readonly insightId: string;
  readonly width: 1 | 2;
}

export interface Dashboard {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tiles: readonly DashboardTile[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

const base = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

export const listInsights = (projectId: string, signal?: AbortSignal) =>
  api<{ insights: SavedInsight[] }>('GET', `${base(projectId)}/insights`, undefined, {
    ...(signal ? { signal } : {}),
  }).then((r) => r.insights);

export const saveInsight = (
  projectId: string,
  input: { name: string; query: AnyQuery; display: InsightDisplay },
) =>
  api<{ insight: SavedInsight }>('POST', `${base(projectId)}/insights`, input).then(
    (r) => r.insight,
  );

export const deleteInsight = (projectId: string, id: string) =>
  api<void>('DELETE', `${base(projectId)}/insights/${encodeURIComponent(id)}`);

export const listDashboards = (projectId: string, signal?: AbortSignal) =>
  api<{ dashboards: Dashboard[] }>('GET', `${base(projectId)}/dashboards`, undefined, {
    ...(signal ? { signal } : {}),
  }).then((r) => r.dashboards);

export const createDashboard = (projectId: string, name: string) =>
  api<{ dashboard: Dashboard }>('POST', `${base(projectId)}/dashboards`, { name }).then(
    (r) => r.dashboard,
  );

export const loadDashboard = (projectId: string, id: string, signal?: AbortSignal) =>
  api<{ dashboard: Dashboard; insights: SavedInsight[] }>(
    'GET',
    `${base(projectId)}/dashboards/${encodeURIComponent(id)}`,
    undefined,
    { ...(signal ? { signal } : {}) },
  );

export const updateDashboard = (
  projectId: string,
  id: string,
  patch: { name?: string; tiles?: readonly DashboardTile[] },
) =>
  api<{ dashboard: Dashboard }>(
    'PATCH',
    `${base(projectId)}/dashboards/${encodeURIComponent(id)}`,
    patch,
  ).then((r) => r.dashboard);

export const deleteDashboard = (projectId: string, id: string) =>
  api<void>('DELETE', `${base(projectId)}/dashboards/${encodeURIComponent(id)}`);

/** Appends a tile for the insight unless the dashboard already shows it. */
export async function addToDashboard(
  projectId: string,
  dashboardId: string,
  insightId: string,
): Promise<Dashboard> {
  const { dashboard } = await loadDashboard(projectId, dashboardId);
  if (dashboard.tiles.some((t) => t.insightId === insightId)) return dashboard;
  return updateDashboard(projectId, dashboardId, {
    tiles: [...dashboard.tiles, { insightId, width: 1 }],
  });
}

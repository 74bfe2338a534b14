import type { Dashboard } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { InsightWire, toInsightWire } from '../insights/insight-wire.js';

/** Enough for any dashboard a person reads; a bound on the queries one page runs. */
export const MAX_TILES = 40;

const Tile = z.strictObject({
  insightId: z.string().min(1).max(100),
  width: z.union([z.literal(1), z.literal(2)]).default(1),
});
const DashboardWire = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tiles: z.array(z.object({ insightId: z.string(), width: z.number() })),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const toWire = (d: Dashboard) => ({
  id: d.id,
  name: d.name,
  description: d.description,
  tiles: d.tiles.map((t) => ({ insightId: t.insightId, width: t.width })),
  createdBy: d.createdBy,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});
const Name = z.string().trim().min(1, 'Give the dashboard a name.').max(200);
const ProjectParams = z.object({ projectId: z.string() });
const DashboardParams = z.object({ projectId: z.string(), dashboardId: z.string() });

async function ownDashboard(ctx: AppContext, projectId: string, id: string): Promise<Dashboard> {
  const found = await ctx.meta.dashboards.byId(id);
  if (!found || found.projectId !== projectId) throw notFound('Dashboard');
  return found;
}

/** Refuses tiles that name an insight of another project, or one twice. */
async function checkTiles(
  ctx: AppContext,
  projectId: string,
  tiles: readonly { insightId: string }[],
): Promise<void> {
  const own = new Set((await ctx.meta.insights.listForProject(projectId)).map((i) => i.id));
  const seen = new Set<string>();
  const issues = tiles.flatMap((t, i) => {
    const path = `body.tiles.${i}.insightId`;
    if (!own.has(t.insightId))
      return [{ path, message: `no saved insight "${t.insightId}" in this project` }];
    if (seen.has(t.insightId))
      return [{ path, message: 'this insight is already on the dashboard' }];
    seen.add(t.insightId);
    return [];
  });
  if (issues.length > 0) throw badRequest('Some tiles cannot be placed.', issues);
}

/**
 * Dashboards: named, ordered grids of a project's saved insights. Rearranging
 * is a PATCH of the whole tile list, so the order a person sees is the order
 * stored. Reading a dashboard returns the insights it shows.
 */
export function dashboardRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/dashboards',
      summary: 'Dashboards of a project, oldest first.',
      tags: ['dashboards'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: z.object({ dashboards: z.array(DashboardWire) }),
      handler: async ({ auth }) => ({
        dashboards: (await ctx.meta.dashboards.listForProject(auth.project.id)).map(toWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/dashboards',
      summary: 'Creates a dashboard, empty or with tiles.',
      tags: ['dashboards'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      body: z.strictObject({
        name: Name,
        description: z.string().trim().max(2000).optional(),
        tiles: z.array(Tile).max(MAX_TILES).default([]),
      }),
      response: z.object({ dashboard: DashboardWire }),
      status: 201,
      handler: async ({ auth, body }) => {
        await checkTiles(ctx, auth.project.id, body.tiles);
        const dashboard = await ctx.meta.dashboards.create({
          projectId: auth.project.id,
          name: body.name,
          ...(body.description === undefined ? {} : { description: body.description }),
          tiles: body.tiles,
          createdBy: auth.principal.user.id,
        });
        return { dashboard: toWire(dashboard) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/dashboards/:dashboardId',
      summary: 'A dashboard with the saved insights its tiles show.',
      tags: ['dashboards'],
      access: { kind: 'project', scope: 'read' },
      params: DashboardParams,
      response: z.object({ dashboard: DashboardWire, insights: z.array(InsightWire) }),
      handler: async ({ auth, params }) => {
        const dashboard = await ownDashboard(ctx, auth.project.id, params.dashboardId);
        const byId = new Map(
          (await ctx.meta.insights.listForProject(auth.project.id)).map((i) => [i.id, i]),
        );
        return {
          dashboard: toWire(dashboard),
          insights: dashboard.tiles.flatMap((t) => {
            const i = byId.get(t.insightId);
            return i ? [toInsightWire(i)] : [];
          }),
        };
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/projects/:projectId/dashboards/:dashboardId',
      summary: 'Renames a dashboard or replaces its tiles (to add, remove or rearrange them).',
      tags: ['dashboards'],
      access: { kind: 'project', scope: 'write' },
      params: DashboardParams,
      body: z
        .strictObject({
          name: Name.optional(),
          description: z.string().trim().max(2000).optional(),
          tiles: z.array(Tile).max(MAX_TILES).optional(),
        })
        .refine((p) => Object.keys(p).length > 0, {
          message: 'Send at least one field to change.',
        }),
      response: z.object({ dashboard: DashboardWire }),
      handler: async ({ auth, params, body }) => {
        await ownDashboard(ctx, auth.project.id, params.dashboardId);
        if (body.tiles) await checkTiles(ctx, auth.project.id, body.tiles);
        const updated = await ctx.meta.dashboards.update(params.dashboardId, {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.tiles === undefined ? {} : { tiles: body.tiles }),
        });
        if (!updated) throw notFound('Dashboard');
        return { dashboard: toWire(updated) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/projects/:projectId/dashboards/:dashboardId',
      summary: 'Deletes a dashboard (its insights stay saved).',
      tags: ['dashboards'],
      access: { kind: 'project', scope: 'write' },
      params: DashboardParams,
      handler: async ({ auth, params }) => {
        await ownDashboard(ctx, auth.project.id, params.dashboardId);
        await ctx.meta.dashboards.delete(params.dashboardId);
        return undefined;
      },
    }),
  ];
}

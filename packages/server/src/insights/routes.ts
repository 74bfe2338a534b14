import type { SavedInsight } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { InsightCreate, InsightPatch, InsightWire, toInsightWire } from './insight-wire.js';

const ProjectParams = z.object({ projectId: z.string() });
const InsightParams = z.object({ projectId: z.string(), insightId: z.string() });

/** The insight when it belongs to the project; a foreign id reads as missing. */
async function ownInsight(
  ctx: AppContext,
  projectId: string,
  insightId: string,
): Promise<SavedInsight> {
  const found = await ctx.meta.insights.byId(insightId);
  if (!found || found.projectId !== projectId) throw notFound('Insight');
  return found;
}

/**
 * Saved insights: an analytics query (validated as the query API validates it)
 * with the console's display settings. Reading needs project read access,
 * saving and changing needs write access.
 */
export function insightRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/insights',
      summary: 'Saved insights of a project, most recently changed first.',
      tags: ['insights'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: z.object({ insights: z.array(InsightWire) }),
      handler: async ({ auth }) => ({
        insights: (await ctx.meta.insights.listForProject(auth.project.id)).map(toInsightWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/insights',
      summary: 'Saves an insight: a name, an analytics query and how to display it.',
      tags: ['insights'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      body: InsightCreate,
      response: z.object({ insight: InsightWire }),
      status: 201,
      handler: async ({ auth, body }) => {
        const insight = await ctx.meta.insights.create({
          projectId: auth.project.id,
          name: body.name,
          ...(body.description === undefined ? {} : { description: body.description }),
          query: body.query,
          display: body.display,
          createdBy: auth.principal.user.id,
        });
        return { insight: toInsightWire(insight) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/insights/:insightId',
      summary: 'One saved insight.',
      tags: ['insights'],
      access: { kind: 'project', scope: 'read' },
      params: InsightParams,
      response: z.object({ insight: InsightWire }),
      handler: async ({ auth, params }) => ({
        insight: toInsightWire(await ownInsight(ctx, auth.project.id, params.insightId)),
      }),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/projects/:projectId/insights/:insightId',
      summary: 'Renames a saved insight or replaces its query or display settings.',
      tags: ['insights'],
      access: { kind: 'project', scope: 'write' },
      params: InsightParams,
      body: InsightPatch,
      response: z.object({ insight: InsightWire }),
      handler: async ({ auth, params, body }) => {
        await ownInsight(ctx, auth.project.id, params.insightId);
        const updated = await ctx.meta.insights.update(params.insightId, {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.query === undefined ? {} : { query: body.query }),
          ...(body.display === undefined ? {} : { display: body.display }),
        });
        if (!updated) throw notFound('Insight');
        return { insight: toInsightWire(updated) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/projects/:projectId/insights/:insightId',
      summary: 'Deletes a saved insight and takes it off every dashboard.',
      tags: ['insights'],
      access: { kind: 'project', scope: 'write' },
      params: InsightParams,
      handler: async ({ auth, params }) => {
        await ownInsight(ctx, auth.project.id, params.insightId);
        await ctx.meta.insights.delete(params.insightId);
        return undefined;
      },
    }),
  ];
}

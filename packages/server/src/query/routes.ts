import { QueryPlanError } from '@opsloop/engine';
import { AnalyticsQuery } from '@opsloop/schema';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { loadSegments } from '../segments/resolve.js';

/**
 * The analytics query API: one endpoint, the query's `kind` selects trends,
 * funnel, retention, … Dates are read in the project's timezone.
 */
export function queryRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/query',
      summary:
        'Runs an analytics query (trends, funnel, retention, stickiness) over the project’s events.',
      tags: ['analytics'],
      access: { kind: 'project', scope: 'read' },
      params: z.object({ projectId: z.string() }),
      body: AnalyticsQuery,
      // The result's shape depends on `kind`; see the schema package's query results.
      response: z.record(z.string(), z.unknown()),
      handler: async ({ auth, body }) => {
        try {
          const result = await runAnalyticsQuery(ctx.events, body, {
            projectId: auth.project.id,
            timezone: auth.project.timezone,
            now: ctx.now(),
            // The `{segment}` conditions the query names, resolved by the planner.
            segments: await loadSegments(ctx, auth.project.id, body),
          });
          return result as Record<string, unknown>;
        } catch (e) {
          if (e instanceof QueryPlanError)
            throw badRequest(`${e.path}: ${e.message}`, [{ path: e.path, message: e.message }]);
          throw e;
        }
      },
    }),
  ];
}

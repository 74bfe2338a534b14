import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { defineRoute } from '../http/route.js';
import { catalogOf, EVENT_COLUMN_PROPERTIES } from './catalog.js';

const ProjectParams = z.object({ projectId: z.string() });
const PropertyWire = z.object({
  name: z.string(),
  type: z.string(),
  seen: z.number(),
  examples: z.array(z.string()),
});

/** What the filter builder offers: event names and the property names seen, with types and examples. */
export function definitionRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/definitions/properties',
      summary:
        'Event and person property names seen in the project (sampled, cached for minutes), with types and example values.',
      tags: ['people'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({ on: z.enum(['event', 'person']).optional() }),
      response: z.object({
        event: z.array(PropertyWire),
        person: z.array(PropertyWire),
        eventColumns: z.array(z.string()),
      }),
      handler: async ({ auth, query }) => {
        const c = await catalogOf(ctx, auth.project.id);
        return {
          event: query.on === 'person' ? [] : [...c.event],
          person: query.on === 'event' ? [] : [...c.person],
          eventColumns: EVENT_COLUMN_PROPERTIES,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/definitions/events',
      summary: 'Event names of the project with their counts and when each was last seen.',
      tags: ['people'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: z.object({
        events: z.array(
          z.object({ name: z.string(), count: z.number(), lastSeen: z.string().nullable() }),
        ),
      }),
      handler: async ({ auth }) => ({
        events: [...(await catalogOf(ctx, auth.project.id)).events],
      }),
    }),
  ];
}

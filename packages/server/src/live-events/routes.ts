import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { decodeCursor } from './cursor.js';
import { eventNamesQuery, MAX_NAMES, propertyNamesOf, propertyNamesQuery } from './definitions.js';
import { MAX_RECENT, type RecentRow, recentEventsQuery, shapeRecent } from './recent-events.js';

const ProjectParams = z.object({ projectId: z.string() });
const RecentEventWire = z.object({
  uuid: z.string(),
  event: z.string(),
  distinctId: z.string(),
  personId: z.string(),
  timestamp: z.number(),
  receivedAt: z.number(),
  url: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
});

/**
 * What the console's Data section reads straight from the event store: the
 * live stream (polled with a cursor) and the names of events and properties.
 */
export function liveEventRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/events/recent',
      summary:
        'The newest events by arrival, newest first. Poll with `after` set to the returned `cursor` to get only what arrived since; `skipped` says more arrived than `limit`.',
      tags: ['events'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({
        after: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(MAX_RECENT).default(50),
      }),
      response: z.object({
        events: z.array(RecentEventWire),
        cursor: z.string().nullable(),
        skipped: z.boolean(),
      }),
      handler: async ({ auth, query }) => {
        const after = query.after === undefined ? null : decodeCursor(query.after);
        if (query.after !== undefined && !after)
          throw badRequest('"after" is not a cursor this server returned.', [
            { path: 'query.after', message: 'expected the `cursor` of a previous answer' },
          ]);
        const options = { after, limit: query.limit };
        const rows = await ctx.events.execute<RecentRow>(
          recentEventsQuery(auth.project.id, { ...options, dialect: ctx.events.dialect }),
        );
        return shapeRecent(rows, options);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/events/names',
      summary: `Event names seen in the last 90 days with counts and last time seen, most frequent first (at most ${MAX_NAMES}).`,
      tags: ['events'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: z.object({
        events: z.array(z.object({ name: z.string(), count: z.number(), lastSeen: z.number() })),
      }),
      handler: async ({ auth }) => {
        const rows = await ctx.events.execute<{
          name: string;
          n: number | bigint;
          last_seen: number | bigint;
        }>(eventNamesQuery(auth.project.id, ctx.now(), { dialect: ctx.events.dialect }));
        return {
          events: rows.map((r) => ({
            name: r.name,
            count: Number(r.n),
            lastSeen: Number(r.last_seen),
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/events/properties',
      summary:
        'Property names of the newest events (of one event name when `event` is given), with how many of the sampled events carry each.',
      tags: ['events'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({ event: z.string().min(1).max(200).optional() }),
      response: z.object({
        properties: z.array(z.object({ name: z.string(), count: z.number() })),
      }),
      handler: async ({ auth, query }) => {
        const dialect = ctx.events.dialect;
        const rows = await ctx.events.execute(
          propertyNamesQuery(auth.project.id, query.event ?? null, { dialect }),
        );
        return { properties: propertyNamesOf(rows, dialect) };
      },
    }),
  ];
}

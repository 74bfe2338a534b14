import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { defineRoute } from '../http/route.js';
import { deletePerson, exportPerson } from '../privacy/delete-person.js';
import { parseFilterParam } from './filter-param.js';
import { listPersons } from './person-list.js';
import { decodeCursor, loadProfile, loadTimeline } from './person-view.js';

const ProjectParams = z.object({ projectId: z.string() });
const PersonParams = z.object({ projectId: z.string(), personId: z.string() });
const Json = z.record(z.string(), z.unknown());
const PersonSummaryWire = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  distinctIds: z.array(z.string()),
  properties: Json,
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
const TimelineWire = z.object({
  events: z.array(
    z.object({
      uuid: z.string(),
      event: z.string(),
      distinctId: z.string(),
      timestamp: z.string(),
      properties: Json,
      url: z.string().nullable(),
      sessionId: z.string().nullable(),
    }),
  ),
  next: z.string().nullable(),
});

/** Persons: the searchable list, one person's profile and timeline, deletion and export. */
export function peopleRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/persons',
      summary:
        'Persons, newest first: search by id, distinct id, email or name; `where` is a JSON Filter.',
      tags: ['people'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({
        search: z.string().max(200).optional(),
        where: z.string().max(100_000).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
      }),
      response: z.object({ count: z.number(), persons: z.array(PersonSummaryWire) }),
      handler: async ({ auth, query }) =>
        listPersons(ctx, auth.project.id, {
          where: parseFilterParam(query.where, 'where'),
          search: query.search,
          limit: query.limit,
          offset: query.offset,
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/persons/:personId',
      summary:
        'A person: properties and their change history, distinct ids, first and last seen, groups, segments.',
      tags: ['people'],
      access: { kind: 'project', scope: 'read' },
      params: PersonParams,
      response: Json,
      handler: async ({ auth, params }) =>
        (await loadProfile(ctx, auth.project.id, params.personId, {
          historyLimit: 100,
        })) as unknown as Record<string, unknown>,
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/persons/:personId/events',
      summary: 'A page of the person’s events, newest first; pass `next` back as `before`.',
      tags: ['people'],
      access: { kind: 'project', scope: 'read' },
      params: PersonParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: z.string().max(100).optional(),
      }),
      response: TimelineWire,
      handler: async ({ auth, params, query }) =>
        loadTimeline(ctx, auth.project.id, params.personId, {
          limit: query.limit,
          cursor: decodeCursor(query.before),
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/persons/:personId/export',
      summary: 'Everything stored about a person, as JSON (profile and every event).',
      tags: ['people', 'privacy'],
      access: { kind: 'project', scope: 'read' },
      params: PersonParams,
      response: Json,
      handler: async ({ auth, params, reply }) => {
        const data = await exportPerson(ctx, auth.project.id, params.personId);
        reply.header(
          'content-disposition',
          `attachment; filename="person-${params.personId}.json"`,
        );
        return data as unknown as Record<string, unknown>;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/projects/:projectId/persons/:personId',
      summary:
        'Deletes a person: profile, distinct ids, segment memberships and every event. Recorded in the audit log.',
      tags: ['people', 'privacy'],
      access: { kind: 'project', scope: 'admin' },
      params: PersonParams,
      response: z.object({
        deleted: z.object({
          events: z.number(),
          distinctIds: z.number(),
          segmentRows: z.number(),
        }),
      }),
      handler: async ({ auth, params }) => ({
        deleted: await deletePerson(ctx, auth.principal, auth.project, params.personId),
      }),
    }),
  ];
}

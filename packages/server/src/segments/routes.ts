import { Filter } from '@opsloop/schema';
import type { Segment } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { badRequest, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { checkSegmentFilter, computeSegment, matchUpload } from './service.js';

const ProjectParams = z.object({ projectId: z.string() });
const SegmentParams = z.object({ projectId: z.string(), segmentId: z.string() });
const SegmentWire = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(['dynamic', 'static']),
  filter: z.unknown().nullable(),
  size: z.number(),
  computedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const toWire = (s: Segment) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  kind: s.kind,
  filter: s.filter,
  size: s.size,
  computedAt: s.computedAt === null ? null : new Date(s.computedAt).toISOString(),
  createdAt: new Date(s.createdAt).toISOString(),
  updatedAt: new Date(s.updatedAt).toISOString(),
});
const Name = z.string().trim().min(1).max(200);
const Description = z.string().max(2000).optional();
const MAX_CSV = 20 * 1024 * 1024;

/** Saved segments: CRUD, static uploads, members (JSON and streamed CSV), change log, sizes. */
export function segmentRoutes(ctx: AppContext) {
  const owned = async (projectId: string, id: string): Promise<Segment> => {
    const s = await ctx.meta.segments.byId(id);
    if (!s || s.projectId !== projectId) throw notFound('The segment');
    return s;
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments',
      summary: 'The project’s segments with their current sizes.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: z.object({ segments: z.array(SegmentWire) }),
      handler: async ({ auth }) => ({
        segments: (await ctx.meta.segments.listForProject(auth.project.id)).map(toWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/segments',
      summary:
        'Saves a dynamic segment (a Filter over persons) and computes its members. A cycle, an unknown segment or property is a 400.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      body: z.strictObject({ name: Name, description: Description, filter: Filter }),
      response: SegmentWire,
      status: 201,
      handler: async ({ auth, body }) => {
        await checkSegmentFilter(ctx, auth.project.id, body.filter);
        const s = await ctx.meta.segments.create({
          projectId: auth.project.id,
          name: body.name,
          ...(body.description !== undefined ? { description: body.description } : {}),
          kind: 'dynamic',
          filter: body.filter,
        });
        await computeSegment(ctx, s);
        return toWire((await ctx.meta.segments.byId(s.id)) ?? s);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/segments/static',
      summary:
        'Creates a static segment from a CSV of distinct ids or emails; reports the rows that matched no person.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      bodyLimit: MAX_CSV + 64 * 1024,
      body: z.strictObject({
        name: Name,
        description: Description,
        matchBy: z.enum(['distinct_id', 'email']).default('distinct_id'),
        csv: z.string().min(1).max(MAX_CSV),
      }),
      response: z.object({
        segment: SegmentWire,
        rows: z.number(),
        matched: z.number(),
        unmatched: z.array(z.object({ line: z.number(), value: z.string() })),
      }),
      status: 201,
      handler: async ({ auth, body }) => {
        const upload = await matchUpload(ctx, auth.project.id, body.csv, body.matchBy);
        const s = await ctx.meta.segments.create({
          projectId: auth.project.id,
          name: body.name,
          ...(body.description !== undefined ? { description: body.description } : {}),
          kind: 'static',
          filter: null,
          members: upload.personIds,
        });
        return {
          segment: toWire(s),
          rows: upload.rows,
          matched: upload.rows - upload.unmatched.length,
          unmatched: upload.unmatched.slice(0, 1000),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments/:segmentId',
      summary: 'One segment.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: SegmentParams,
      response: SegmentWire,
      handler: async ({ auth, params }) => toWire(await owned(auth.project.id, params.segmentId)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/projects/:projectId/segments/:segmentId',
      summary: 'Renames a segment or changes a dynamic segment’s filter (then recomputes it).',
      tags: ['segments'],
      access: { kind: 'project', scope: 'write' },
      params: SegmentParams,
      body: z.strictObject({
        name: Name.optional(),
        description: Description,
        filter: Filter.optional(),
      }),
      response: SegmentWire,
      handler: async ({ auth, params, body }) => {
        const s = await owned(auth.project.id, params.segmentId);
        if (body.filter !== undefined) {
          if (s.kind === 'static')
            throw badRequest('body.filter: a static segment has no filter', [
              { path: 'body.filter', message: 'a static segment has no filter' },
            ]);
          await checkSegmentFilter(ctx, auth.project.id, body.filter, { selfId: s.id });
        }
        const updated = await ctx.meta.segments.update(s.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.filter !== undefined ? { filter: body.filter } : {}),
        });
        if (!updated) throw notFound('The segment');
        if (body.filter !== undefined) await computeSegment(ctx, updated);
        return toWire((await ctx.meta.segments.byId(s.id)) ?? updated);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/projects/:projectId/segments/:segmentId',
      summary: 'Deletes a segment, its members and its history.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'write' },
      params: SegmentParams,
      handler: async ({ auth, params }) => {
        const s = await owned(auth.project.id, params.segmentId);
        await ctx.meta.segments.delete(s.id);
        await recordAudit(ctx, auth.principal, {
          orgId: auth.project.orgId,
          projectId: auth.project.id,
          action: 'segment.delete',
          target: s.id,
          details: { name: s.name },
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/segments/:segmentId/recompute',
      summary: 'Recomputes a dynamic segment now; returns how many entered and left.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'write' },
      params: SegmentParams,
      response: z.object({ entered: z.number(), exited: z.number(), size: z.number() }),
      handler: async ({ auth, params }) =>
        computeSegment(ctx, await owned(auth.project.id, params.segmentId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments/:segmentId/members',
      summary: 'Current members (person ids), in pages; pass the last id as `after`.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: SegmentParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(10_000).default(100),
        after: z.string().max(100).optional(),
      }),
      response: z.object({ members: z.array(z.string()), next: z.string().nullable() }),
      handler: async ({ auth, params, query }) => {
        const s = await owned(auth.project.id, params.segmentId);
        const members = await ctx.meta.segments.members(s.id, {
          limit: query.limit,
          ...(query.after ? { after: query.after } : {}),
        });
        return { members, next: members.length === query.limit ? (members.at(-1) ?? null) : null };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments/:segmentId/members.csv',
      summary: 'Every current member as CSV (person_id), streamed.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: SegmentParams,
      handler: async ({ auth, params, reply }) => {
        const s = await owned(auth.project.id, params.segmentId);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="segment-${s.id}.csv"`,
        });
        raw.write('person_id\n');
        let after: string | undefined;
        for (;;) {
          const page = await ctx.meta.segments.members(s.id, {
            limit: 5000,
            ...(after ? { after } : {}),
          });
          if (page.length === 0) break;
          // Waits for the socket to drain so a slow client does not pile up memory.
          if (!raw.write(`${page.join('\n')}\n`))
            await new Promise<void>((resolve) => raw.once('drain', () => resolve()));
          if (page.length < 5000) break;
          after = page.at(-1);
        }
        raw.end();
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments/:segmentId/changes',
      summary: 'The membership change log (entered / left), newest first.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: SegmentParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        before: z.coerce.number().int().min(1).optional(),
        personId: z.string().max(100).optional(),
      }),
      response: z.object({
        changes: z.array(
          z.object({
            seq: z.number(),
            personId: z.string(),
            change: z.enum(['entered', 'left']),
            at: z.string(),
          }),
        ),
      }),
      handler: async ({ auth, params, query }) => {
        const s = await owned(auth.project.id, params.segmentId);
        const changes = await ctx.meta.segments.changes(s.id, {
          limit: query.limit,
          ...(query.before !== undefined ? { before: query.before } : {}),
          ...(query.personId !== undefined ? { personId: query.personId } : {}),
        });
        return { changes: changes.map((c) => ({ ...c, at: new Date(c.at).toISOString() })) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/segments/:segmentId/sizes',
      summary: 'The segment’s size after each computation, with how many entered and left.',
      tags: ['segments'],
      access: { kind: 'project', scope: 'read' },
      params: SegmentParams,
      response: z.object({
        sizes: z.array(
          z.object({ at: z.string(), size: z.number(), entered: z.number(), exited: z.number() }),
        ),
      }),
      handler: async ({ auth, params }) => {
        const s = await owned(auth.project.id, params.segmentId);
        return {
          sizes: (await ctx.meta.segments.sizes(s.id)).map((p) => ({
            ...p,
            at: new Date(p.at).toISOString(),
          })),
        };
      },
    }),
  ];
}

import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { defineRoute } from '../http/route.js';

const Entry = z.object({
  id: z.string(),
  orgId: z.string(),
  projectId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorKeyId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  at: z.number(),
});

/** Reading an organisation's audit log, newest first. */
export function auditRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId/audit',
      summary:
        'Audit log, newest first. Page with `before` = the `nextBefore` of the previous page.',
      tags: ['audit'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string() }),
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: z.string().min(1).optional(),
      }),
      response: z.object({ entries: z.array(Entry), nextBefore: z.string().nullable() }),
      handler: async ({ auth, query }) => {
        const entries = await ctx.meta.audit.list(auth.org.id, {
          limit: query.limit,
          ...(query.before ? { before: query.before } : {}),
        });
        const last = entries.at(-1);
        return {
          entries: entries.map((e) => ({ ...e, details: { ...e.details } })),
          nextBefore: entries.length === query.limit && last ? last.id : null,
        };
      },
    }),
  ];
}

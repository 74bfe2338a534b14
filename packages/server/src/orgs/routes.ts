import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { defineRoute } from '../http/route.js';

export const OrgName = z.string().trim().min(1).max(100);
const OrgWire = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  role: z.string(),
});
export const OrgParams = z.object({ orgId: z.string() });

/** Creating and reading organisations. */
export function orgRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/orgs',
      summary: 'Creates an organisation; the caller becomes its owner. Default groups are added.',
      tags: ['orgs'],
      access: { kind: 'user' },
      body: z.strictObject({ name: OrgName }),
      response: OrgWire,
      status: 201,
      handler: async ({ auth, body }) => {
        const org = await ctx.meta.orgs.create({
          name: body.name,
          ownerUserId: auth.principal.user.id,
        });
        await recordAudit(ctx, auth.principal, {
          orgId: org.id,
          action: 'org.create',
          target: org.id,
          details: { name: org.name },
        });
        return { ...org, role: 'owner' };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId',
      summary: 'An organisation and the caller’s role in it.',
      tags: ['orgs'],
      access: { kind: 'org', role: 'viewer' },
      params: OrgParams,
      response: OrgWire,
      handler: ({ auth }) => ({ ...auth.org, role: auth.role }),
    }),
  ];
}

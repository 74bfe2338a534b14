import { GROUP_LINES, type Group } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { badRequest, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

const Line = z.enum(GROUP_LINES);
const GroupName = z.string().trim().min(1).max(100);
const GroupWire = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  line: Line,
  memberIds: z.array(z.string()),
  createdAt: z.number(),
});
const GroupParams = z.object({ orgId: z.string(), groupId: z.string() });
const toWire = (g: Group) => ({ ...g, memberIds: [...g.memberIds] });

/** Teams inside an organisation, on the market or the operations line. */
export function groupRoutes(ctx: AppContext) {
  /** A group of this org, or 404: ids of other orgs' groups are not revealed. */
  async function groupOf(orgId: string, groupId: string): Promise<Group> {
    const g = await ctx.meta.groups.byId(groupId);
    if (!g || g.orgId !== orgId) throw notFound('Group');
    return g;
  }
  return [
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId/groups',
      summary: 'Groups of an organisation with their members.',
      tags: ['groups'],
      access: { kind: 'org', role: 'viewer' },
      params: z.object({ orgId: z.string() }),
      response: z.object({ groups: z.array(GroupWire) }),
      handler: async ({ auth }) => ({
        groups: (await ctx.meta.groups.list(auth.org.id)).map(toWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orgs/:orgId/groups',
      summary: 'Creates a group.',
      tags: ['groups'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string() }),
      body: z.strictObject({ name: GroupName, line: Line }),
      response: GroupWire,
      status: 201,
      handler: async ({ auth, body }) => {
        const g = await ctx.meta.groups.create({ orgId: auth.org.id, ...body });
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'group.create',
          target: g.id,
          details: body,
        });
        return toWire(g);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/orgs/:orgId/groups/:groupId',
      summary: 'Renames a group or moves it to the other line.',
      tags: ['groups'],
      access: { kind: 'org', role: 'admin' },
      params: GroupParams,
      body: z
        .strictObject({ name: GroupName.optional(), line: Line.optional() })
        .refine((b) => b.name !== undefined || b.line !== undefined, 'Send name or line.'),
      response: GroupWire,
      handler: async ({ auth, params, body }) => {
        await groupOf(auth.org.id, params.groupId);
        const g = await ctx.meta.groups.update(params.groupId, body);
        if (!g) throw notFound('Group');
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'group.update',
          target: g.id,
          details: body,
        });
        return toWire(g);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/orgs/:orgId/groups/:groupId',
      summary: 'Deletes a group (its members stay in the organisation).',
      tags: ['groups'],
      access: { kind: 'org', role: 'admin' },
      params: GroupParams,
      handler: async ({ auth, params }) => {
        const g = await groupOf(auth.org.id, params.groupId);
        await ctx.meta.groups.delete(g.id);
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'group.delete',
          target: g.id,
          details: { name: g.name },
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/orgs/:orgId/groups/:groupId/members',
      summary: 'Replaces the members of a group; each must be a member of the organisation.',
      tags: ['groups'],
      access: { kind: 'org', role: 'admin' },
      params: GroupParams,
      body: z.strictObject({ userIds: z.array(z.string().min(1)).max(1000) }),
      response: GroupWire,
      handler: async ({ auth, params, body }) => {
        await groupOf(auth.org.id, params.groupId);
        const g = await ctx.meta.groups.setMembers(params.groupId, body.userIds);
        if (!g) throw badRequest('Every userId must be a member of the organization.');
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'group.members',
          target: g.id,
          details: { userIds: g.memberIds },
        });
        return toWire(g);
      },
    }),
  ];
}

import type { OrgRole } from '@opsloop/store';
import { z } from 'zod';
import { Role, toUserWire, UserWire } from '../accounts/wire.js';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { canManageMember } from '../auth/permissions.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

const MemberWire = z.object({ user: UserWire, role: Role, joinedAt: z.number() });
const MemberParams = z.object({ orgId: z.string(), userId: z.string() });

/** Listing members, changing their roles and removing them (never the last owner). */
export function memberRoutes(ctx: AppContext) {
  async function currentRole(orgId: string, userId: string): Promise<OrgRole> {
    const role = await ctx.meta.members.role(orgId, userId);
    if (!role) throw notFound('Member');
    return role;
  }
  const lastOwner = () =>
    conflict('An organization keeps at least one owner; make someone else owner first.');

  return [
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId/members',
      summary: 'Members of an organisation with their roles.',
      tags: ['members'],
      access: { kind: 'org', role: 'viewer' },
      params: z.object({ orgId: z.string() }),
      response: z.object({ members: z.array(MemberWire) }),
      handler: async ({ auth }) => ({
        members: (await ctx.meta.members.list(auth.org.id)).map((m) => ({
          user: toUserWire(m.user),
          role: m.role,
          joinedAt: m.joinedAt,
        })),
      }),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/orgs/:orgId/members/:userId',
      summary: "Changes a member's role. Admins cannot touch owners nor make owners.",
      tags: ['members'],
      access: { kind: 'org', role: 'admin' },
      params: MemberParams,
      body: z.strictObject({ role: Role }),
      response: MemberWire,
      handler: async ({ auth, params, body }) => {
        const before = await currentRole(auth.org.id, params.userId);
        if (!canManageMember(auth.role, { currentRole: before, newRole: body.role })) {
          throw forbidden('Only owners can change owners or make someone owner.');
        }
        const result = await ctx.meta.members.setRole(auth.org.id, params.userId, body.role);
        if (result === 'last_owner') throw lastOwner();
        if (result === 'not_found') throw notFound('Member');
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'member.role',
          target: params.userId,
          details: { from: before, to: body.role },
        });
        const member = (await ctx.meta.members.list(auth.org.id)).find(
          (m) => m.user.id === params.userId,
        );
        if (!member) throw notFound('Member');
        return { user: toUserWire(member.user), role: member.role, joinedAt: member.joinedAt };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/orgs/:orgId/members/:userId',
      summary: 'Removes a member from the organisation (and its groups).',
      tags: ['members'],
      access: { kind: 'org', role: 'admin' },
      params: MemberParams,
      handler: async ({ auth, params }) => {
        const before = await currentRole(auth.org.id, params.userId);
        if (!canManageMember(auth.role, { currentRole: before })) {
          throw forbidden('Only owners can remove owners.');
        }
        const result = await ctx.meta.members.remove(auth.org.id, params.userId);
        if (result === 'last_owner') throw lastOwner();
        if (result === 'not_found') throw notFound('Member');
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'member.remove',
          target: params.userId,
          details: { role: before },
        });
        return undefined;
      },
    }),
  ];
}

import type { Invitation } from '@opsloop/store';
import { z } from 'zod';
import { createUser } from '../accounts/create-user.js';
import { Email, NewPassword, PersonName, Role, toUserWire, UserWire } from '../accounts/wire.js';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { canGrantRole } from '../auth/permissions.js';
import { SESSION_TTL_MS, setSessionCookie } from '../auth/session-cookie.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

/** Invitations are valid for a week. */
const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const InvitationWire = z.object({
  id: z.string(),
  orgId: z.string(),
  email: z.string(),
  role: Role,
  invitedBy: z.string().nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
const toWire = (i: Invitation) => ({
  id: i.id,
  orgId: i.orgId,
  email: i.email,
  role: i.role,
  invitedBy: i.invitedBy,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
});
const TokenParams = z.object({ token: z.string().min(1).max(200) });

/** Inviting people into an organisation by email, and accepting invitations. */
export function invitationRoutes(ctx: AppContext) {
  async function pendingByToken(token: string): Promise<Invitation> {
    const inv = await ctx.meta.invitations.byToken(token);
    if (!inv || inv.acceptedAt !== null || inv.expiresAt <= ctx.now()) {
      throw notFound('Invitation (it may have expired or been used)');
    }
    return inv;
  }
  return [
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId/invitations',
      summary: 'Pending invitations of an organisation.',
      tags: ['invitations'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string() }),
      response: z.object({ invitations: z.array(InvitationWire) }),
      handler: async ({ auth }) => ({
        invitations: (await ctx.meta.invitations.listPending(auth.org.id)).map(toWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orgs/:orgId/invitations',
      summary: 'Invites an email with a role; returns the link to send (shown once).',
      tags: ['invitations'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string() }),
      body: z.strictObject({ email: Email, role: Role }),
      response: z.object({ invitation: InvitationWire, url: z.string() }),
      status: 201,
      handler: async ({ auth, body }) => {
        if (!canGrantRole(auth.role, body.role)) {
          throw forbidden('Only owners can invite owners.');
        }
        const { invitation, token } = await ctx.meta.invitations.create({
          orgId: auth.org.id,
          email: body.email,
          role: body.role,
          invitedBy: auth.principal.user.id,
          ttlMs: INVITATION_TTL_MS,
        });
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'invitation.create',
          target: invitation.id,
          details: { email: invitation.email, role: invitation.role },
        });
        return { invitation: toWire(invitation), url: `${ctx.config.publicUrl}/invite/${token}` };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/orgs/:orgId/invitations/:invitationId',
      summary: 'Withdraws an invitation.',
      tags: ['invitations'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string(), invitationId: z.string() }),
      handler: async ({ auth, params }) => {
        const inv = await ctx.meta.invitations.byId(params.invitationId);
        if (!inv || inv.orgId !== auth.org.id) throw notFound('Invitation');
        await ctx.meta.invitations.delete(inv.id);
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          action: 'invitation.delete',
          target: inv.id,
          details: { email: inv.email },
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/invitations/:token',
      summary: 'What an invitation offers: organisation, role and email.',
      tags: ['invitations'],
      access: { kind: 'public' },
      params: TokenParams,
      response: z.object({
        orgName: z.string(),
        role: Role,
        email: z.string(),
        expiresAt: z.number(),
      }),
      handler: async ({ params }) => {
        const inv = await pendingByToken(params.token);
        const org = await ctx.meta.orgs.byId(inv.orgId);
        if (!org) throw notFound('Invitation');
        return { orgName: org.name, role: inv.role, email: inv.email, expiresAt: inv.expiresAt };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/invitations/:token/accept',
      summary:
        'Accepts an invitation. Signed in: joins the organisation. Otherwise creates the ' +
        'account (name, password) for the invited email and signs it in.',
      tags: ['invitations'],
      access: { kind: 'public' },
      params: TokenParams,
      body: z
        .strictObject({ name: PersonName.optional(), password: NewPassword.optional() })
        .optional(),
      response: z.object({ user: UserWire, csrfToken: z.string(), orgId: z.string() }),
      handler: async ({ auth, params, body, reply }) => {
        const inv = await pendingByToken(params.token);
        let user = auth.principal?.user;
        let csrfToken = auth.principal?.session.csrfToken;
        if (!user) {
          if (!body?.name || !body.password) {
            throw badRequest('Send name and password to create your account, or sign in first.');
          }
          if (await ctx.meta.users.byEmail(inv.email)) {
            throw conflict(`An account for ${inv.email} exists: sign in, then accept.`);
          }
          user = await createUser(ctx.meta, {
            email: inv.email,
            name: body.name,
            password: body.password,
          });
          const created = await ctx.meta.sessions.create({
            userId: user.id,
            ttlMs: SESSION_TTL_MS,
          });
          setSessionCookie(reply, ctx.config, created.token);
          csrfToken = created.session.csrfToken;
        }
        if (!(await ctx.meta.invitations.accept(inv.id, user.id))) {
          throw notFound('Invitation (it may have expired or been used)');
        }
        await ctx.meta.audit.append({
          orgId: inv.orgId,
          projectId: null,
          actorUserId: user.id,
          actorKeyId: null,
          action: 'invitation.accept',
          target: inv.id,
          details: { email: inv.email, role: inv.role },
        });
        return { user: toUserWire(user), csrfToken: csrfToken ?? '', orgId: inv.orgId };
      },
    }),
  ];
}

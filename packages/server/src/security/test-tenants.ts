import type { KeyScope, OrgRole, Project } from '@opsloop/store';
import { createUser } from '../accounts/create-user.js';
import type { AppContext } from '../app-context.js';

/** A signed-in browser: the session cookie and the CSRF token that goes with it. */
export interface SessionCredentials {
  readonly userId: string;
  readonly cookie: string;
  readonly csrfToken: string;
}

export interface Tenant {
  readonly orgId: string;
  readonly project: Project;
  readonly sessions: Record<OrgRole, SessionCredentials>;
  readonly keys: Record<KeyScope, string>;
  /** A group, an invitation and a key id of this tenant, for paths that need them. */
  readonly groupId: string;
  readonly invitationId: string;
  readonly keyId: string;
}

/** Signs in over HTTP and returns what a browser would keep. */
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken: body.csrfToken };
}

/**
 * One organisation with a project, a user of every role (signed in), a secret
 * key of every scope (owned by the owner) and one group and invitation.
 */
export async function makeTenant(ctx: AppContext, baseUrl: string, label: string): Promise<Tenant> {
  const password = `pw-${label}-secret`;
  const users = {} as Record<OrgRole, string>;
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    users[role] = (
      await createUser(ctx.meta, {
        email: `${role}@${label}.test`,
        name: `${role} ${label}`,
        password,
      })
    ).id;
  }
  const org = await ctx.meta.orgs.create({ name: `Org ${label}`, ownerUserId: users.owner });
  for (const role of ['admin', 'member', 'viewer'] as const) {
    await ctx.meta.members.add({ orgId: org.id, userId: users[role], role });
  }
  const project = await ctx.meta.projects.create({
    orgId: org.id,
    name: `Project ${label}`,
    timezone: 'UTC',
    currency: 'USD',
  });
  const keys = {} as Record<KeyScope, string>;
  let keyId = '';
  for (const scope of ['read', 'write', 'admin'] as const) {
    const created = await ctx.meta.apiKeys.create({
      projectId: project.id,
      userId: users.owner,
      name: scope,
      scopes: [scope],
    });
    keys[scope] = created.secret;
    keyId = created.key.id;
  }
  const sessions = {} as Record<OrgRole, SessionCredentials>;
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    sessions[role] = {
      userId: users[role],
      ...(await signIn(baseUrl, `${role}@${label}.test`, password)),
    };
  }
  const groupId = (await ctx.meta.groups.list(org.id))[0]?.id ?? '';
  const { invitation } = await ctx.meta.invitations.create({
    orgId: org.id,
    email: `invitee@${label}.test`,
    role: 'member',
    invitedBy: users.owner,
    ttlMs: 60_000_000,
  });
  return { orgId: org.id, project, sessions, keys, groupId, invitationId: invitation.id, keyId };
}

import { SECRET_KEY_PREFIX, WRITE_KEY_PREFIX } from '@opsloop/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ApiError, forbidden, notFound, unauthenticated } from '../http/errors.js';
import type { Access, AccessGate, AnyAuth, Principal, SessionPrincipal } from './access.js';
import { canUseProject, hasRole } from './permissions.js';
import {
  CSRF_HEADER,
  readSessionToken,
  SESSION_RENEW_BELOW_MS,
  SESSION_TTL_MS,
  setSessionCookie,
} from './session-cookie.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The one place where requests become principals and access rules are
 * checked. Order: credentials (bearer key, else session cookie) → CSRF for
 * cookie mutations → the rule. Unknown or foreign orgs and projects answer
 * 404, so ids of other tenants cannot be probed.
 */
export function createAccessGate(ctx: AppContext): AccessGate {
  const { meta } = ctx;

  async function bearerPrincipal(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token?.startsWith(`${WRITE_KEY_PREFIX}_`)) {
      throw unauthenticated(
        'A write key (olw_…) only sends events. Use a secret key (ols_…) or sign in to call the API.',
      );
    }
    if (!token?.startsWith(`${SECRET_KEY_PREFIX}_`)) {
      throw unauthenticated('Send `Authorization: Bearer ols_…` with a secret API key.');
    }
    const key = await meta.apiKeys.authenticate(token);
    const user = key ? await meta.users.byId(key.userId) : null;
    if (!key || !user) throw unauthenticated('This API key is unknown or revoked.');
    return { kind: 'key', user, key };
  }

  async function sessionPrincipal(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<SessionPrincipal | null> {
    const token = readSessionToken(request);
    if (!token) return null;
    const session = await meta.sessions.byToken(token);
    const user = session ? await meta.users.byId(session.userId) : null;
    if (!session || !user) return null;
    const now = ctx.now();
    if (session.expiresAt - now < SESSION_RENEW_BELOW_MS) {
      const expiresAt = now + SESSION_TTL_MS;
      await meta.sessions.extend(session.id, expiresAt);
      setSessionCookie(reply, ctx.config, token);
      return { kind: 'session', user, session: { ...session, expiresAt } };
    }
    return { kind: 'session', user, session };
  }

  const csrfOk = (request: FastifyRequest, p: SessionPrincipal) =>
    !MUTATING.has(request.method) || request.headers[CSRF_HEADER] === p.session.csrfToken;

  return {
    async authorize(access: Access, request: FastifyRequest, reply: FastifyReply) {
      // A write key is public (it ships in web pages): it opens nothing under /api,
      // not even public routes, so a leaked one is visibly useless there.
      const isApi = request.url.startsWith('/api/');
      // Public routes outside /api (ingestion, health) never need a principal:
      // skipping the lookup keeps the per-event path free of database reads.
      if (access.kind === 'public' && !isApi) return { principal: null };
      const bearer = isApi ? await bearerPrincipal(request) : null;
      const principal = bearer ?? (await sessionPrincipal(request, reply));

      if (access.kind === 'public') {
        // Public routes act for the signed-in user only when the CSRF check passes;
        // otherwise they treat the caller as anonymous.
        const session =
          principal?.kind === 'session' && csrfOk(request, principal) ? principal : null;
        return { principal: session } satisfies AnyAuth;
      }
      if (!principal) throw unauthenticated();
      if (principal.kind === 'session' && !csrfOk(request, principal)) {
        throw new ApiError(
          403,
          'csrf_failed',
          `Send the session's CSRF token (from /api/auth/me) in the ${CSRF_HEADER} header.`,
        );
      }

      switch (access.kind) {
        case 'user':
          return { principal: requireSession(principal) };
        case 'org': {
          const session = requireSession(principal);
          const orgId = pathParam(request, 'orgId');
          const role = await meta.members.role(orgId, session.user.id);
          const org = role ? await meta.orgs.byId(orgId) : null;
          if (!role || !org) throw notFound('Organization');
          if (!hasRole(role, access.role)) {
            throw forbidden(`This needs the ${access.role} role or higher; you are ${role}.`);
          }
          return { principal: session, org, role };
        }
        case 'project': {
          const projectId = pathParam(request, 'projectId');
          const project = await meta.projects.byId(projectId);
          if (!project) throw notFound('Project');
          if (principal.kind === 'key' && principal.key.projectId !== project.id) {
            throw notFound('Project');
          }
          const role = await meta.members.role(project.orgId, principal.user.id);
          if (!role) {
            if (principal.kind === 'key') {
              throw forbidden("This key's owner is no longer a member of the organization.");
            }
            throw notFound('Project');
          }
          if (!canUseProject(principal, project.id, role, access)) {
            throw forbidden(
              principal.kind === 'key'
                ? `This needs a key with the ${access.scope} scope and an owner allowed to use it.`
                : `Your role (${role}) does not allow this on the project.`,
            );
          }
          return { principal, project, role };
        }
      }
    },
  };
}

function requireSession(principal: Principal): SessionPrincipal {
  if (principal.kind !== 'session') {
    throw forbidden('API keys reach only their own project; sign in for this route.');
  }
  return principal;
}

function pathParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || value === '') {
    // A route declared org/project access without the path parameter: a bug.
    throw new Error(`Route ${request.routeOptions.url} has no :${name} parameter`);
  }
  return value;
}

import type {
  ApiKey,
  KeyScope,
  Organization,
  OrgRole,
  Project,
  Session,
  User,
} from '@opsloop/store';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call a route, declared on the route itself and enforced before the
 * handler runs (see `http/register.ts` and `auth/access-gate.ts`):
 *
 * - `public`: anyone; the handler sees the signed-in user, if any.
 * - `user`: a signed-in user (session cookie). API keys are refused.
 * - `org`: a member of `:orgId` with at least `role`, signed in.
 * - `project`: a member of the org owning `:projectId` with at least `role`
 *   (default: viewer for read, member for write, admin for admin), through a
 *   session or a secret key of that project holding `scope`.
 *
 * @example
 * defineRoute({ method: 'GET', url: '/api/projects/:projectId/things',
 *   access: { kind: 'project', scope: 'read' },
 *   handler: ({ auth }) => listThings(auth.project.id) });
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'user' }
  | { readonly kind: 'org'; readonly role: OrgRole }
  | { readonly kind: 'project'; readonly scope: KeyScope; readonly role?: OrgRole };

export interface SessionPrincipal {
  readonly kind: 'session';
  readonly user: User;
  readonly session: Session;
}
export interface KeyPrincipal {
  readonly kind: 'key';
  /** The user the key belongs to; the key never has more rights than them. */
  readonly user: User;
  readonly key: ApiKey;
}
export type Principal = SessionPrincipal | KeyPrincipal;

export interface PublicAuth {
  readonly principal: SessionPrincipal | null;
}
export interface UserAuth {
  readonly principal: SessionPrincipal;
}
export interface OrgAuth {
  readonly principal: SessionPrincipal;
  readonly org: Organization;
  readonly role: OrgRole;
}
export interface ProjectAuth {
  readonly principal: Principal;
  readonly project: Project;
  /** The acting user's role in the project's organisation. */
  readonly role: OrgRole;
}

/** What a handler receives as `auth`, by the kind of its access rule. */
export type AuthFor<A extends Access> = A extends { kind: 'public' }
  ? PublicAuth
  : A extends { kind: 'user' }
    ? UserAuth
    : A extends { kind: 'org' }
      ? OrgAuth
      : A extends { kind: 'project' }
        ? ProjectAuth
        : never;

export type AnyAuth = PublicAuth | UserAuth | OrgAuth | ProjectAuth;

/** Resolves and checks a route's access rule for one request; throws ApiError when refused. */
export interface AccessGate {
  authorize(access: Access, request: FastifyRequest, reply: FastifyReply): Promise<AnyAuth>;
}

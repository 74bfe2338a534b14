import type { KeyScope, OrgRole } from '@opsloop/store';
import type { Principal } from './access.js';

/**
 * The named predicates of authorization. Pure: they decide from a role, a
 * principal and a rule, never from the database.
 */

const ROLE_RANK: Record<OrgRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
const SCOPE_RANK: Record<KeyScope, number> = { read: 0, write: 1, admin: 2 };

/** The least role a scope needs from a person: viewers read, members write, admins administer. */
export const ROLE_FOR_SCOPE: Record<KeyScope, OrgRole> = {
  read: 'viewer',
  write: 'member',
  admin: 'admin',
};

export function hasRole(role: OrgRole | null, atLeast: OrgRole): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[atLeast];
}

/** Scopes nest: `admin` implies `write`, which implies `read`. */
export function keyHasScope(scopes: readonly KeyScope[], needed: KeyScope): boolean {
  return scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);
}

/**
 * Whether a principal may act on a project with the given scope, given its
 * user's role in the project's organisation (null: not a member).
 */
export function canUseProject(
  principal: Principal,
  projectId: string,
  role: OrgRole | null,
  rule: { scope: KeyScope; role?: OrgRole },
): boolean {
  if (!hasRole(role, rule.role ?? ROLE_FOR_SCOPE[rule.scope])) return false;
  if (principal.kind === 'key') {
    return principal.key.projectId === projectId && keyHasScope(principal.key.scopes, rule.scope);
  }
  return true;
}

export const canReadProject = (p: Principal, projectId: string, role: OrgRole | null) =>
  canUseProject(p, projectId, role, { scope: 'read' });

/**
 * Admins manage members but not owners: they may neither touch an owner nor
 * make anyone owner. Owners may do anything.
 */
export function canManageMember(
  actorRole: OrgRole,
  target: { currentRole: OrgRole; newRole?: OrgRole },
): boolean {
  if (actorRole === 'owner') return true;
  if (actorRole !== 'admin') return false;
  return target.currentRole !== 'owner' && target.newRole !== 'owner';
}

/** Who may invite with which role: admins up to admin, owners anything. */
export function canGrantRole(actorRole: OrgRole, role: OrgRole): boolean {
  return actorRole === 'owner' || (actorRole === 'admin' && role !== 'owner');
}

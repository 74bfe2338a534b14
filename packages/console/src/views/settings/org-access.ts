import type { OrgRole } from '../../api/types';

/** Owners and admins manage people; the server enforces it, the console just hides dead buttons. */
export function canManageOrg(role: OrgRole): boolean {
  return role === 'owner' || role === 'admin';
}

export function orgBase(orgId: string): string {
  return `/api/orgs/${encodeURIComponent(orgId)}`;
}

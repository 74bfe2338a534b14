/** The shapes the accounts, projects and keys API answers with. */

export type OrgRole = 'owner' | 'admin' | 'member' | 'viewer';
export const ORG_ROLES: readonly OrgRole[] = ['owner', 'admin', 'member', 'viewer'];

export type KeyScope = 'read' | 'write' | 'admin';
export const KEY_SCOPES: readonly KeyScope[] = ['read', 'write', 'admin'];

export type GroupLine = 'market' | 'operations';
export const GROUP_LINES: readonly GroupLine[] = ['market', 'operations'];

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

export interface ProjectSummary {
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  readonly currency: string;
}

export interface OrgSummary {
  readonly id: string;
  readonly name: string;
  readonly role: OrgRole;
  readonly projects: readonly ProjectSummary[];
}

export interface Me {
  readonly user: User;
  readonly csrfToken: string;
  readonly organizations: readonly OrgSummary[];
}

export interface Project extends ProjectSummary {
  readonly orgId?: string;
  readonly writeKey?: string;
  readonly botFiltering?: boolean;
  readonly eventRetentionDays?: number | null;
  readonly settings?: {
    readonly botFiltering?: boolean;
    readonly eventRetentionDays?: number | null;
  };
}

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly KeyScope[];
  readonly prefix: string;
  readonly createdAt: number | string;
  readonly lastUsedAt: number | string | null;
}

export interface Member {
  readonly user: User;
  readonly role: OrgRole;
  readonly joinedAt?: number | string;
}

export interface Group {
  readonly id: string;
  readonly name: string;
  readonly line: GroupLine;
  readonly memberIds?: readonly string[];
}

export interface Invitation {
  readonly id: string;
  readonly email: string;
  readonly role: OrgRole;
  readonly createdAt: number | string;
  readonly expiresAt: number | string;
  readonly acceptedAt?: number | string | null;
}

export interface AuditEntry {
  readonly id: string;
  readonly action: string;
  readonly target: string | null;
  readonly actorUserId: string | null;
  readonly actorKeyId?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly at: number | string;
}

/**
 * List endpoints may answer with a bare array or wrap it (`{keys:[…]}`);
 * this reads either so the console does not break on that choice.
 */
export function listFrom<T>(body: unknown, ...fields: readonly string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const field of fields) {
      const v = (body as Record<string, unknown>)[field];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** Single-entity endpoints may answer `{project:{…}}` or the bare object. */
export function itemFrom<T>(body: unknown, field: string): T {
  if (typeof body === 'object' && body !== null && field in body) {
    return (body as Record<string, unknown>)[field] as T;
  }
  return body as T;
}

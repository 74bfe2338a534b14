/**
 * The metadata entities: who may do what on which project. Timestamps are
 * integer milliseconds since the epoch and ids are prefixed random strings, so
 * every implementation (SQLite now, PostgreSQL later) stores them the same way.
 */

export const ORG_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const GROUP_LINES = ['market', 'operations'] as const;
export type GroupLine = (typeof GROUP_LINES)[number];

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface UserWithPassword extends User {
  /** An encoded password hash (see the server's `auth/password.ts`); never the password. */
  readonly passwordHash: string;
}

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface Member {
  readonly user: User;
  readonly role: OrgRole;
  readonly joinedAt: number;
}

export interface Group {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly line: GroupLine;
  /** User ids, sorted. */
  readonly memberIds: readonly string[];
  readonly createdAt: number;
}

export interface ProjectSettings {
  readonly botFiltering: boolean;
  /** Events older than this many days are deleted; null keeps them forever. */
  readonly eventRetentionDays: number | null;
}

export const DEFAULT_PROJECT_SETTINGS: ProjectSettings = Object.freeze({
  botFiltering: true,
  eventRetentionDays: null,
});

export interface Project {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  /** IANA name, e.g. `Asia/Shanghai`. */
  readonly timezone: string;
  /** ISO-4217 code, e.g. `CNY`. */
  readonly currency: string;
  /** The public key SDKs send events with (`olw_…`); not a credential for the API. */
  readonly writeKey: string;
  readonly settings: ProjectSettings;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ApiKey {
  readonly id: string;
  readonly projectId: string;
  /** The user the key acts for; it never has more rights than that user. */
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly KeyScope[];
  /** The first characters of the secret, kept so people can tell keys apart. */
  readonly prefix: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface Invitation {
  readonly id: string;
  readonly orgId: string;
  readonly email: string;
  readonly role: OrgRole;
  readonly invitedBy: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly acceptedAt: number | null;
}

export interface AuditEntry {
  readonly id: string;
  readonly orgId: string;
  readonly projectId: string | null;
  readonly actorUserId: string | null;
  readonly actorKeyId: string | null;
  /** Dotted verb, e.g. `project.create`, `key.revoke`. */
  readonly action: string;
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: number;
}

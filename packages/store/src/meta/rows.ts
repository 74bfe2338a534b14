import type {
  ApiKey,
  AuditEntry,
  Group,
  GroupLine,
  Invitation,
  KeyScope,
  OrgRole,
  Project,
  ProjectSettings,
  User,
} from './types.js';
import { DEFAULT_PROJECT_SETTINGS } from './types.js';

/**
 * Row shapes as every metadata store returns them (snake_case columns,
 * millisecond numbers), and their mapping to entities.
 */

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}
export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  createdAt: r.created_at,
});

export interface GroupRow {
  id: string;
  org_id: string;
  name: string;
  line: string;
  created_at: number;
}
export const toGroup = (r: GroupRow, memberIds: string[]): Group => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  line: r.line as GroupLine,
  memberIds: [...memberIds].sort(),
  createdAt: r.created_at,
});

export interface ProjectRow {
  id: string;
  org_id: string;
  name: string;
  timezone: string;
  currency: string;
  write_key: string;
  settings: string;
  created_at: number;
  updated_at: number;
}
export const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  timezone: r.timezone,
  currency: r.currency,
  writeKey: r.write_key,
  settings: {
    ...DEFAULT_PROJECT_SETTINGS,
    ...(JSON.parse(r.settings) as Partial<ProjectSettings>),
  },
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface ApiKeyRow {
  id: string;
  project_id: string;
  user_id: string;
  name: string;
  scopes: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
export const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  name: r.name,
  scopes: JSON.parse(r.scopes) as KeyScope[],
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}
export const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  role: r.role as OrgRole,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
});

export interface AuditRow {
  id: string;
  org_id: string;
  project_id: string | null;
  actor_user_id: string | null;
  actor_key_id: string | null;
  action: string;
  target: string | null;
  details: string;
  at: number;
}
export const toAudit = (r: AuditRow): AuditEntry => ({
  id: r.id,
  orgId: r.org_id,
  projectId: r.project_id,
  actorUserId: r.actor_user_id,
  actorKeyId: r.actor_key_id,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
  at: r.at,
});

/** Emails are unique whatever their case; the address is kept as typed. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

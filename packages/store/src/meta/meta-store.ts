import type { DashboardsRepo, InsightsRepo } from './insights-types.js';
import type { JobLeasesRepo } from './jobs/leases-repo.js';
import type { PeopleSettingsRepo, SegmentsRepo } from './segments/repo.js';
import type { SignInFailuresRepo } from './sign-in/failures-repo.js';
import type {
  ApiKey,
  AuditEntry,
  Group,
  GroupLine,
  Invitation,
  KeyScope,
  Member,
  Organization,
  OrgRole,
  Project,
  ProjectSettings,
  Session,
  User,
  UserWithPassword,
} from './types.js';

/**
 * Where accounts, organisations, projects and keys live. The embedded
 * implementation is SQLite; PostgreSQL will implement the same interface and
 * pass the same contract suite (`contract/meta-store-contract.ts`).
 *
 * Secrets (session tokens, API keys, invitation tokens) are generated here and
 * returned once; only their SHA-256 is stored. Password hashing is the
 * caller's (it is slow on purpose and belongs outside a transaction).
 *
 * @example
 * const store = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
 * const user = await store.users.create({ email, name, passwordHash });
 * const org = await store.orgs.create({ name: 'Acme', ownerUserId: user.id });
 */
export interface MetaStore {
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly orgs: OrgsRepo;
  readonly members: MembersRepo;
  readonly groups: GroupsRepo;
  readonly projects: ProjectsRepo;
  readonly apiKeys: ApiKeysRepo;
  readonly invitations: InvitationsRepo;
  readonly audit: AuditRepo;
  /** Saved insights and the dashboards that show them. */
  readonly insights: InsightsRepo;
  readonly dashboards: DashboardsRepo;
  /** Saved segments, their members, change log and sizes. */
  readonly segments: SegmentsRepo;
  /** Lifecycle-stage and RFM configuration per project. */
  readonly peopleSettings: PeopleSettingsRepo;
  /** Failed sign-ins, for the login throttle every node shares. */
  readonly signInFailures: SignInFailuresRepo;
  /** Who runs each background job now, when several nodes share the store. */
  readonly jobLeases: JobLeasesRepo;
  /** True when the store answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
}

export interface UsersRepo {
  /** Throws {@link DuplicateError} when the email (compared case-insensitively) exists. */
  create(input: { email: string; name: string; passwordHash: string }): Promise<User>;
  byId(id: string): Promise<User | null>;
  /** Case-insensitive; includes the password hash for sign-in. */
  byEmail(email: string): Promise<UserWithPassword | null>;
  passwordHash(id: string): Promise<string | null>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  count(): Promise<number>;
}

export interface SessionsRepo {
  /** Returns the session and its token; only the token's hash is stored. */
  create(input: { userId: string; ttlMs: number }): Promise<{ session: Session; token: string }>;
  /** The live session for a token, or null when unknown or expired. */
  byToken(token: string): Promise<Session | null>;
  /** Moves the expiry (sliding renewal). */
  extend(sessionId: string, expiresAt: number): Promise<void>;
  delete(sessionId: string): Promise<void>;
  /** Deletes every session of a user except, optionally, one. Returns how many. */
  deleteForUser(userId: string, options?: { exceptSessionId?: string }): Promise<number>;
  deleteExpired(): Promise<number>;
}

export interface OrgsRepo {
  /** Creates the organisation, makes the user its owner and adds the default groups. */
  create(input: { name: string; ownerUserId: string }): Promise<Organization>;
  byId(id: string): Promise<Organization | null>;
  /** Every organisation the user belongs to, with the user's role, oldest first. */
  listForUser(userId: string): Promise<(Organization & { role: OrgRole })[]>;
  /** The oldest organisation, if any (the CLI's default). */
  first(): Promise<Organization | null>;
}

export type MemberChange = 'ok' | 'not_found' | 'last_owner';

export interface MembersRepo {
  list(orgId: string): Promise<Member[]>;
  role(orgId: string, userId: string): Promise<OrgRole | null>;
  /** Adds the user, or changes the role when already a member. */
  add(input: { orgId: string; userId: string; role: OrgRole }): Promise<void>;
  /** Refuses to demote the last owner. */
  setRole(orgId: string, userId: string, role: OrgRole): Promise<MemberChange>;
  /** Refuses to remove the last owner; also drops the user from the org's groups. */
  remove(orgId: string, userId: string): Promise<MemberChange>;
}

export interface GroupsRepo {
  list(orgId: string): Promise<Group[]>;
  byId(id: string): Promise<Group | null>;
  create(input: { orgId: string; name: string; line: GroupLine }): Promise<Group>;
  update(id: string, patch: { name?: string; line?: GroupLine }): Promise<Group | null>;
  delete(id: string): Promise<boolean>;
  /** Replaces the members; every id must be a member of the group's org (else returns null). */
  setMembers(id: string, userIds: readonly string[]): Promise<Group | null>;
}

export interface ProjectPatch {
  name?: string;
  timezone?: string;
  currency?: string;
  settings?: Partial<ProjectSettings>;
}

export interface ProjectsRepo {
  create(input: {
    orgId: string;
    name: string;
    timezone: string;
    currency: string;
    settings?: Partial<ProjectSettings>;
  }): Promise<Project>;
  byId(id: string): Promise<Project | null>;
  listForOrg(orgId: string): Promise<Project[]>;
  update(id: string, patch: ProjectPatch): Promise<Project | null>;
  rotateWriteKey(id: string): Promise<Project | null>;
  /**
   * The project a write key belongs to. Ingestion calls this per request, so
   * it is answered from memory after the first lookup; rotation and updates
   * invalidate the cached entry.
   */
  byWriteKey(writeKey: string): Promise<Project | null>;
}

export interface ApiKeysRepo {
  /** Returns the key and its secret (`ols_…`), which is never stored nor shown again. */
  create(input: {
    projectId: string;
    userId: string;
    name: string;
    scopes: readonly KeyScope[];
  }): Promise<{ key: ApiKey; secret: string }>;
  byId(id: string): Promise<ApiKey | null>;
  /** Keys of a project that are not revoked, newest first. */
  listForProject(projectId: string): Promise<ApiKey[]>;
  /** The live key for a secret, or null; records the use (coarsely, at most once a minute). */
  authenticate(secret: string): Promise<ApiKey | null>;
  revoke(id: string): Promise<boolean>;
}

export interface InvitationsRepo {
  create(input: {
    orgId: string;
    email: string;
    role: OrgRole;
    invitedBy: string | null;
    ttlMs: number;
  }): Promise<{ invitation: Invitation; token: string }>;
  byId(id: string): Promise<Invitation | null>;
  /** The invitation for a token, whatever its state (callers check expiry and acceptance). */
  byToken(token: string): Promise<Invitation | null>;
  /** Pending (not accepted, not expired) invitations of an org, newest first. */
  listPending(orgId: string): Promise<Invitation[]>;
  /** Marks accepted and adds the membership, atomically; false when no longer pending. */
  accept(id: string, userId: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface AuditRepo {
  append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
  /**
   * Newest first. `before` is the id of the last entry of the previous page.
   */
  list(orgId: string, options: { limit: number; before?: string }): Promise<AuditEntry[]>;
}

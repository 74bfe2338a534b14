import { INSIGHTS_DASHBOARDS_SQL } from './insights-types.js';
import { JOB_LEASES_SQL } from './jobs/leases-repo.js';
import { SIGN_IN_FAILURES_SQL } from './sign-in/failures-repo.js';

/**
 * Versioned schema changes, one list for every metadata store, applied in
 * order at open and recorded in `schema_migrations`. Never edit a released
 * migration; add the next number. `sql` runs on SQLite and PostgreSQL alike
 * (write 64-bit integers as BIGINT: PostgreSQL's INTEGER is 32-bit, too small
 * for millisecond timestamps, and SQLite gives BIGINT integer affinity);
 * `postgresAfter` adds what only PostgreSQL needs.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly postgresAfter?: string;
  /**
   * Tables this migration creates for short-lived coordination state
   * (throttles, leases): every store has them, but moving an install to other
   * stores (`opsloop migrate-store`) leaves their rows behind.
   */
  readonly transientTables?: readonly string[];
}

/** The SQL a dialect runs for a migration. */
export const migrationSql = (m: Migration, dialect: 'sqlite' | 'postgres'): string =>
  dialect === 'postgres' && m.postgresAfter
    ? `${m.sql.trimEnd().replace(/;?$/, ';')}\n${m.postgresAfter}`
    : m.sql;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, organisations, projects, keys, audit',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        email         TEXT NOT NULL,
        email_norm    TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    BIGINT NOT NULL
      );
      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        csrf_token TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE organizations (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE memberships (
        org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (org_id, user_id)
      );
      CREATE INDEX memberships_user ON memberships(user_id);
      CREATE TABLE groups (
        id         TEXT PRIMARY KEY,
        org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        line       TEXT NOT NULL CHECK (line IN ('market', 'operations')),
        created_at BIGINT NOT NULL
      );
      CREATE INDEX groups_org ON groups(org_id);
      CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE TABLE projects (
        id         TEXT PRIMARY KEY,
        org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        timezone   TEXT NOT NULL,
        currency   TEXT NOT NULL,
        write_key  TEXT NOT NULL UNIQUE,
        settings   TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX projects_org ON projects(org_id);
      CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        scopes       TEXT NOT NULL,
        prefix       TEXT NOT NULL,
        secret_hash  TEXT NOT NULL UNIQUE,
        created_at   BIGINT NOT NULL,
        last_used_at BIGINT,
        revoked_at   BIGINT
      );
      CREATE INDEX api_keys_project ON api_keys(project_id);
      CREATE TABLE invitations (
        id          TEXT PRIMARY KEY,
        org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email       TEXT NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        token_hash  TEXT NOT NULL UNIQUE,
        invited_by  TEXT,
        created_at  BIGINT NOT NULL,
        expires_at  BIGINT NOT NULL,
        accepted_at BIGINT
      );
      CREATE INDEX invitations_org ON invitations(org_id);
      CREATE TABLE audit_log (
        id            TEXT PRIMARY KEY,
        org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        project_id    TEXT,
        actor_user_id TEXT,
        actor_key_id  TEXT,
        action        TEXT NOT NULL,
        target        TEXT,
        details       TEXT NOT NULL,
        at            BIGINT NOT NULL
      );
      CREATE INDEX audit_log_org_at ON audit_log(org_id, at, id);
    `,
    // PostgreSQL has no rowid, which SQLite lists an organisation's groups by;
    // `groups.seq` keeps their insertion order there.
    postgresAfter: 'ALTER TABLE groups ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;',
  },
  {
    version: 2,
    name: 'segments, membership change log, sizes; people settings',
    // Portable as written: BIGINT is 64-bit on PostgreSQL and an integer on SQLite.
    sql: `
      CREATE TABLE segments (
        id          TEXT PRIMARY KEY,
        project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        description TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('dynamic', 'static')),
        filter      TEXT,
        size        BIGINT NOT NULL,
        computed_at BIGINT,
        created_at  BIGINT NOT NULL,
        updated_at  BIGINT NOT NULL
      );
      CREATE INDEX segments_project ON segments(project_id);
      CREATE TABLE segment_members (
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        person_id  TEXT NOT NULL,
        entered_at BIGINT NOT NULL,
        PRIMARY KEY (segment_id, person_id)
      );
      CREATE INDEX segment_members_person ON segment_members(person_id);
      CREATE TABLE segment_changes (
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        seq        BIGINT NOT NULL,
        person_id  TEXT NOT NULL,
        change     TEXT NOT NULL CHECK (change IN ('entered', 'left')),
        at         BIGINT NOT NULL,
        PRIMARY KEY (segment_id, seq)
      );
      CREATE INDEX segment_changes_person ON segment_changes(person_id);
      CREATE TABLE segment_sizes (
        segment_id TEXT NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        at         BIGINT NOT NULL,
        size       BIGINT NOT NULL,
        entered    BIGINT NOT NULL,
        exited     BIGINT NOT NULL,
        PRIMARY KEY (segment_id, at)
      );
      CREATE TABLE people_settings (
        project_id     TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        stratification TEXT,
        rfm            TEXT,
        updated_at     BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'saved insights and dashboards',
    // Portable as written (see insights-types.ts): BIGINT, TEXT JSON, no dialect extras.
    sql: INSIGHTS_DASHBOARDS_SQL,
  },
  {
    version: 4,
    name: 'failed sign-ins shared by every API node',
    sql: SIGN_IN_FAILURES_SQL,
    transientTables: ['sign_in_failures'],
  },
  {
    version: 5,
    name: 'leases on background jobs, so one API node runs each',
    sql: JOB_LEASES_SQL,
    transientTables: ['job_leases'],
  },
];

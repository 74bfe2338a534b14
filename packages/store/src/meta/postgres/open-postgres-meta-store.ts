import { jobLeasesRepo } from '../jobs/leases-repo.js';
import type { MetaStore } from '../meta-store.js';
import { postgresDriver } from '../segments/postgres-driver.js';
import { peopleSettingsRepo, segmentsRepo } from '../segments/repo.js';
import { signInFailuresRepo } from '../sign-in/failures-repo.js';
import { WriteKeyCache } from '../write-key-cache.js';
import { postgresDashboards, postgresInsights } from './insights-dashboards.js';
import { postgresAudit, postgresInvitations } from './invitations-audit.js';
import { migratePostgres } from './migrate.js';
import { postgresGroups, postgresMembers, postgresOrgs } from './orgs.js';
import { createPool, row } from './pool.js';
import { postgresApiKeys, postgresProjects } from './projects.js';
import { postgresSessions, postgresUsers } from './users.js';

export interface PostgresMetaStoreOptions {
  /** `postgres://user:password@host:5432/database` (`OPSLOOP_DATABASE_URL`). */
  readonly url: string;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  readonly now?: () => number;
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
  /**
   * How long a write key → project lookup is reused before asking the
   * database again (default 30 s): the longest a write-key rotation made on
   * another node goes unseen here.
   */
  readonly writeKeyTtlMs?: number;
}

/**
 * Opens the shared metadata store of a multi-node deployment and brings its
 * schema up to date (the migrations SQLite runs, in PostgreSQL's dialect).
 * Several API nodes may open it at once.
 *
 * @example
 * const meta = await openPostgresMetaStore({ url: config.databaseUrl });
 */
export async function openPostgresMetaStore(options: PostgresMetaStoreOptions): Promise<MetaStore> {
  const now = options.now ?? Date.now;
  const pool = createPool(options.url, { max: options.maxConnections ?? 10 });
  // An idle connection that dies (server restart) must not crash the process;
  // the pool drops it and the next query opens another.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, { now: now() });
  } catch (err) {
    await pool.end();
    throw err;
  }
  const cache = new WriteKeyCache({
    now,
    ...(options.writeKeyTtlMs === undefined ? {} : { ttlMs: options.writeKeyTtlMs }),
  });
  let closed: Promise<void> | undefined;
  return {
    users: postgresUsers(pool, now),
    sessions: postgresSessions(pool, now),
    orgs: postgresOrgs(pool, now),
    members: postgresMembers(pool, now),
    groups: postgresGroups(pool, now),
    projects: postgresProjects(pool, now, cache),
    apiKeys: postgresApiKeys(pool, now),
    invitations: postgresInvitations(pool, now),
    audit: postgresAudit(pool, now),
    segments: segmentsRepo(postgresDriver(pool), now),
    peopleSettings: peopleSettingsRepo(postgresDriver(pool), now),
    signInFailures: signInFailuresRepo(postgresDriver(pool)),
    jobLeases: jobLeasesRepo(postgresDriver(pool)),
    insights: postgresInsights(pool, now),
    dashboards: postgresDashboards(pool, now),
    async ping() {
      try {
        return (await row<{ one: number }>(pool, 'SELECT 1 AS one'))?.one === 1;
      } catch {
        return false;
      }
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { jobLeasesRepo } from '../jobs/leases-repo.js';
import type { MetaStore } from '../meta-store.js';
import { peopleSettingsRepo, segmentsRepo } from '../segments/repo.js';
import { sqliteDriver } from '../segments/sqlite-driver.js';
import { signInFailuresRepo } from '../sign-in/failures-repo.js';
import { WriteKeyCache } from '../write-key-cache.js';
import { sqliteDashboards, sqliteInsights } from './insights-dashboards.js';
import { sqliteAudit, sqliteInvitations } from './invitations-audit.js';
import { migrate } from './migrate.js';
import { sqliteGroups, sqliteMembers, sqliteOrgs } from './orgs.js';
import { sqliteApiKeys, sqliteProjects } from './projects.js';
import { sqliteSessions, sqliteUsers } from './users.js';

export interface SqliteMetaStoreOptions {
  /** Path of the database file, usually `<dataDir>/meta.sqlite`. */
  readonly file: string;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  readonly now?: () => number;
}

/**
 * Opens (creating if needed) the embedded metadata store and brings its schema
 * up to date. WAL lets readers run while a write is in progress; foreign keys
 * are off by default in SQLite and must be switched on per connection.
 *
 * @example
 * const meta = await openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite') });
 */
export async function openSqliteMetaStore(options: SqliteMetaStoreOptions): Promise<MetaStore> {
  const now = options.now ?? Date.now;
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, now());
  } catch (err) {
    db.close();
    throw err;
  }
  const cache = new WriteKeyCache({ now });
  return {
    users: sqliteUsers(db, now),
    sessions: sqliteSessions(db, now),
    orgs: sqliteOrgs(db, now),
    members: sqliteMembers(db, now),
    groups: sqliteGroups(db, now),
    projects: sqliteProjects(db, now, cache),
    apiKeys: sqliteApiKeys(db, now),
    invitations: sqliteInvitations(db, now),
    audit: sqliteAudit(db, now),
    segments: segmentsRepo(sqliteDriver(db), now),
    peopleSettings: peopleSettingsRepo(sqliteDriver(db), now),
    signInFailures: signInFailuresRepo(sqliteDriver(db)),
    jobLeases: jobLeasesRepo(sqliteDriver(db)),
    insights: sqliteInsights(db, now),
    dashboards: sqliteDashboards(db, now),
    async ping() {
      return (db.prepare('SELECT 1 AS one').get() as { one: number }).one === 1;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

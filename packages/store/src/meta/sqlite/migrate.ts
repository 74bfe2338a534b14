import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from '../migrations.js';

/**
 * Applies the migrations not yet recorded, all in one transaction: a failure
 * leaves the file as it was. Returns the versions applied.
 */
export function migrate(db: Database, now: number, migrations = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const pending = [...migrations]
    .sort((a, b) => a.version - b.version)
    .filter((m: Migration) => !done.has(m.version));
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    }
  })();
  return pending.map((m) => m.version);
}

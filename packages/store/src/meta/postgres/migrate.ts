import type pg from 'pg';
import { MIGRATIONS, type Migration, migrationSql } from '../migrations.js';
import { rows, transaction } from './pool.js';

export interface PostgresMigrateOptions {
  /** Recorded as `applied_at`. */
  readonly now: number;
  readonly migrations?: readonly Migration[];
  /** Where applied versions are recorded; each store keeps its own list. */
  readonly table?: string;
}

/**
 * Applies the migrations not yet recorded, all in one transaction (PostgreSQL
 * DDL is transactional: a failure leaves the database as it was). Several API
 * nodes may start at once; a transaction-scoped advisory lock, keyed by the
 * bookkeeping table's name, makes them take turns, so the second one finds
 * the work done. Returns the versions applied.
 */
export async function migratePostgres(
  pool: pg.Pool,
  options: PostgresMigrateOptions,
): Promise<number[]> {
  const table = options.table ?? 'schema_migrations';
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad migrations table name: ${table}`);
  const migrations = options.migrations ?? MIGRATIONS;
  return transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`opsloop.migrate.${table}`]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const done = new Set(
      (await rows<{ version: number }>(client, `SELECT version FROM ${table}`)).map(
        (r) => r.version,
      ),
    );
    const pending = [...migrations]
      .sort((a, b) => a.version - b.version)
      .filter((m) => !done.has(m.version));
    for (const m of pending) {
      await client.query(migrationSql(m, 'postgres'));
      await client.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        options.now,
      ]);
    }
    return pending.map((m) => m.version);
  });
}

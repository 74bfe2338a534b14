import Database from 'better-sqlite3';

/**
 * Every row of an SQLite identity store's four tables, sorted, for tests that
 * compare two stores' states (the outbox is left out: it differs by design).
 */
export function dumpSqliteIdentity(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      distinctIds: all('SELECT project_id, distinct_id, person_id FROM distinct_ids ORDER BY 1, 2'),
      persons: all(
        'SELECT project_id, id, is_identified, created_at, version, properties FROM persons ORDER BY 1, 2',
      ),
      overrides: all(
        'SELECT project_id, old_person_id, person_id FROM person_overrides ORDER BY 1, 2',
      ),
      groups: all(
        'SELECT project_id, group_type, group_key, created_at, version, properties FROM groups ORDER BY 1, 2, 3',
      ),
    };
  } finally {
    db.close();
  }
}

import type Database from 'better-sqlite3';
import type { SqlDriver } from './driver.js';

/** better-sqlite3 is synchronous, so a batch is one synchronous transaction. */
export function sqliteDriver(db: Database.Database): SqlDriver {
  const prepared = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = prepared.get(sql);
    if (!s) {
      s = db.prepare(sql);
      prepared.set(sql, s);
    }
    return s;
  };
  return {
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async batch(statements) {
      db.transaction(() => {
        for (const s of statements) prepare(s.sql).run(...s.params);
      })();
    },
  };
}

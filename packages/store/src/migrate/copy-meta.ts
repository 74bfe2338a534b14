import type Database from 'better-sqlite3';
import type pg from 'pg';
import { rows } from '../meta/postgres/pool.js';
import { rowsPerInsert } from './event-windows.js';
import { copyColumns, type MetaTable } from './meta-tables.js';

/** Rows copied so far, after each insert. */
export type RowProgress = (p: { readonly table: string; readonly rows: number }) => void;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The columns of a SQLite table, in their order. */
export const sqliteColumns = (db: Database.Database, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as Array<{ name: string }>).map(
    (c) => c.name,
  );

/**
 * Copies the metadata tables in plan order (parents before the rows that
 * reference them), each in its source row order: PostgreSQL numbers a
 * column such as `groups.seq` as rows arrive, so the order SQLite lists them
 * in is kept. A row whose key the target already has is left as it is (a
 * resumed copy). Returns the rows sent per table.
 */
export async function copyMetaTables(
  source: Database.Database,
  target: pg.Pool,
  plan: readonly MetaTable[],
  onProgress: RowProgress = () => undefined,
): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  for (const table of plan) {
    const targetColumns = (
      await rows<{ column_name: string }>(
        target,
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [table.name],
      )
    ).map((c) => c.column_name);
    const columns = copyColumns(table.name, sqliteColumns(source, table.name), targetColumns);
    const perInsert = rowsPerInsert(columns.length);
    const list = columns.map(quote).join(', ');
    // A WITHOUT ROWID table has no rowid; it is stored, and read, in key order.
    const { sql } = source
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(table.name) as { sql: string };
    const order = /WITHOUT\s+ROWID/i.test(sql) ? '' : ' ORDER BY rowid';
    const select = source.prepare(`SELECT ${list} FROM ${quote(table.name)}${order}`).raw(true);
    let batch: unknown[][] = [];
    let n = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const values = batch
        .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
        .join(', ');
      await target.query(
        `INSERT INTO ${quote(table.name)} (${list}) VALUES ${values} ON CONFLICT DO NOTHING`,
        batch.flat(),
      );
      n += batch.length;
      batch = [];
      onProgress({ table: table.name, rows: n });
    };
    for (const r of select.iterate() as Iterable<unknown[]>) {
      batch.push(r);
      if (batch.length >= perInsert) await flush();
    }
    await flush();
    sent.set(table.name, n);
  }
  return sent;
}

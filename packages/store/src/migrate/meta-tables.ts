import type { Migration } from '../meta/migrations.js';

/** A metadata table as the shared migration list creates it. */
export interface MetaTable {
  readonly name: string;
  /** Tables its foreign keys point at (never itself). */
  readonly references: readonly string[];
}

/** The migration list cannot be planned (a foreign-key cycle, a reference to no table). */
export class MetaPlanError extends Error {
  override readonly name = 'MetaPlanError';
}

const CREATE = /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\(/gi;
const DROP = /DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)/gi;
const REFERENCES = /REFERENCES\s+([A-Za-z_][A-Za-z0-9_]*)/gi;

/** The text between the parenthesis at `open` and its match. */
function parenthesised(sql: string, open: number): string {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return sql.slice(open + 1, i);
  }
  throw new MetaPlanError(`unbalanced parentheses after offset ${open}`);
}

/**
 * The tables the migrations leave, with their foreign keys, in the order they
 * were created. Read from the SQL both dialects run (`sql`, not the
 * PostgreSQL-only additions), so a table a later migration adds is planned
 * without anyone listing it here.
 */
export function metaTables(migrations: readonly Migration[]): MetaTable[] {
  const tables = new Map<string, MetaTable>();
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const events: Array<{ at: number; apply: () => void }> = [];
    for (const match of m.sql.matchAll(CREATE)) {
      const name = (match[1] ?? '').toLowerCase();
      const body = parenthesised(m.sql, (match.index ?? 0) + match[0].length - 1);
      const references = [...body.matchAll(REFERENCES)]
        .map((r) => (r[1] ?? '').toLowerCase())
        .filter((r, i, all) => r !== name && all.indexOf(r) === i);
      events.push({ at: match.index ?? 0, apply: () => tables.set(name, { name, references }) });
    }
    for (const match of m.sql.matchAll(DROP)) {
      const name = (match[1] ?? '').toLowerCase();
      events.push({ at: match.index ?? 0, apply: () => tables.delete(name) });
    }
    for (const e of events.sort((a, b) => a.at - b.at)) e.apply();
  }
  return [...tables.values()];
}

/**
 * The order to copy tables in so every foreign key finds its row: a table
 * after every table it references, otherwise in creation order (stable, so
 * the plan reads like the migrations). Throws on a cycle or a reference to a
 * table the migrations do not create.
 */
export function copyOrder(tables: readonly MetaTable[]): MetaTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of tables) {
    for (const r of t.references) {
      if (!byName.has(r)) throw new MetaPlanError(`${t.name} references ${r}, which is no table`);
    }
  }
  const done = new Set<string>();
  const order: MetaTable[] = [];
  while (order.length < tables.length) {
    const next = tables.find((t) => !done.has(t.name) && t.references.every((r) => done.has(r)));
    if (!next) {
      const left = tables.filter((t) => !done.has(t.name)).map((t) => t.name);
      throw new MetaPlanError(`foreign keys form a cycle among ${left.join(', ')}`);
    }
    done.add(next.name);
    order.push(next);
  }
  return order;
}

/** Bookkeeping tables that are not data: each store records its own migrations. */
const NOT_DATA = /^(schema_migrations|sqlite_.*)$/;

/**
 * The source's tables that the plan would not copy. A table created outside
 * the migration list would otherwise be left behind without a word.
 */
export function unplannedTables(
  sourceTables: readonly string[],
  planned: readonly MetaTable[],
): string[] {
  const known = new Set(planned.map((t) => t.name));
  return sourceTables
    .map((t) => t.toLowerCase())
    .filter((t) => !NOT_DATA.test(t) && !known.has(t))
    .sort();
}

/**
 * Which columns to copy: the source's, each of which the target must have
 * (a PostgreSQL-only column such as a generated one is left to the target).
 * Throws naming the columns the target lacks.
 */
export function copyColumns(
  table: string,
  source: readonly string[],
  target: readonly string[],
): string[] {
  const have = new Set(target.map((c) => c.toLowerCase()));
  const missing = source.filter((c) => !have.has(c.toLowerCase()));
  if (missing.length > 0) {
    throw new MetaPlanError(
      `the target's ${table} has no column ${missing.join(', ')} (is its schema older than this version?)`,
    );
  }
  return [...source];
}

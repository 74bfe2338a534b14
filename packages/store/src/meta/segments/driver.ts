/**
 * The few operations the segment repositories need from a SQL database, so one
 * implementation serves SQLite and PostgreSQL. Statements use `?` placeholders
 * (rewritten to `$n` for PostgreSQL) and portable SQL only.
 */
export interface SqlDriver {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs the statements in one transaction, in order. */
  batch(statements: readonly Statement[]): Promise<void>;
}

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export const stmt = (sql: string, ...params: unknown[]): Statement => ({ sql, params });

/** `?` → `$1, $2, …` (the statements here never hold a literal question mark). */
export function toDollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

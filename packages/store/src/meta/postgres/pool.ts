import pg from 'pg';

/** What both a pool and a checked-out client can do: run one statement. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

const INT8_OID = 20;

/**
 * A connection pool whose BIGINT columns come back as numbers. Node's pg
 * returns them as strings by default, to be safe beyond 2^53; ours hold
 * millisecond timestamps and counts, far below that. The parser is set on
 * this pool only, not on the global `pg.types`.
 */
export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
    },
  });
}

/** Runs a statement and returns its rows. */
export async function rows<T>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const result = await db.query(sql, params as unknown[]);
  return result.rows as T[];
}

/** Runs a statement and returns its first row, if any. */
export async function row<T>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  return (await rows<T>(db, sql, params))[0];
}

/** Runs a statement and returns how many rows it changed. */
export async function changes(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<number> {
  return (await db.query(sql, params as unknown[])).rowCount ?? 0;
}

/**
 * Runs `work` in a transaction on one pooled connection: committed when it
 * resolves, rolled back when it throws.
 */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection whose rollback failed is in an unknown state: drop it, do not reuse it.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** PostgreSQL's SQLSTATE for a unique (or primary key) violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err as { code: unknown }).code === '23505'
  );
}

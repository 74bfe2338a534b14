import type pg from 'pg';
import { createPool } from '../meta/postgres/pool.js';

/**
 * One lock for all API nodes of a cluster, held while a node brings the event
 * store's identity mirror up to date. Identity change sets must reach the
 * event store in sequence order (a merge re-points the overrides the earlier
 * ones wrote), and each node commits its own; under this lock a node reads the
 * store's watermark and applies every change set after it, whoever committed
 * it, so none is skipped and none overtakes another.
 *
 * A session-level advisory lock on a connection of its own: if the node dies,
 * PostgreSQL ends the session and releases it.
 */
export class PostgresMirrorLock {
  private constructor(private readonly pool: pg.Pool) {}

  static open(url: string): PostgresMirrorLock {
    const pool = createPool(url, { max: 1 });
    pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
    return new PostgresMirrorLock(pool);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext('opsloop.identity.mirror'))`);
      try {
        return await fn();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('opsloop.identity.mirror'))`);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

import { type SqlDriver, stmt } from '../segments/driver.js';

/**
 * Which process runs a background job now. Every API node of a cluster starts
 * the same jobs (segment recomputation, event retention); a job's round runs
 * only in the holder of its lease, so two nodes never recompute one segment at
 * once (each would log the same entries and exits). A holder renews its lease
 * every round; when it stops renewing, another node takes over once it expires.
 */
export interface JobLeasesRepo {
  /**
   * Takes or renews the lease on `name` for `holder` until `now + ttlMs`.
   * True when `holder` holds it now.
   */
  acquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (a stopping holder), if `holder` has it. */
  release(name: string, holder: string): Promise<void>;
}

/** Portable as written: BIGINT times, TEXT names. */
export const JOB_LEASES_SQL = `
  CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT   NOT NULL,
    until  BIGINT NOT NULL
  );
`;

export function jobLeasesRepo(db: SqlDriver): JobLeasesRepo {
  return {
    async acquire(name, holder, now, ttlMs) {
      // The conditional UPDATE is the arbiter: of two nodes that see an expired
      // lease, the second re-checks the row after the first's write and matches nothing.
      await db.batch([
        stmt(
          'INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
          name,
          holder,
          now + ttlMs,
        ),
        stmt(
          'UPDATE job_leases SET holder = ?, until = ? WHERE name = ? AND (holder = ? OR until <= ?)',
          holder,
          now + ttlMs,
          name,
          holder,
          now,
        ),
      ]);
      const rows = await db.all<{ holder: string }>(
        'SELECT holder FROM job_leases WHERE name = ?',
        [name],
      );
      return rows[0]?.holder === holder;
    },
    async release(name, holder) {
      await db.batch([stmt('DELETE FROM job_leases WHERE name = ? AND holder = ?', name, holder)]);
    },
  };
}

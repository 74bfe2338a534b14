import type { DuckDBConnection } from '@duckdb/node-api';
import { EVENTS_VIEW, eventsTableDdl } from './ddl.js';

/** What a compaction did. */
export interface CompactionResult {
  /** Events in the sorted part afterwards (every event: the recent part is then empty). */
  readonly events: number;
  /** Of them, events that were appended since the previous compaction. */
  readonly fromRecent: number;
  readonly ms: number;
}

/**
 * Rewrites every event into `events_sorted`, in (project, person, time)
 * order, each with its merged person as the overrides say now, and empties
 * `events_recent`. Funnels then read each person's events together and in
 * time order from a plain scan (see the funnel planner's person runs), and
 * groupings by person find their keys close together.
 *
 * Squashing changes no answer: a squashed event's person is the one every
 * query already resolved it to, and overrides stay flat, so a later merge of
 * that person is applied by the same join. `squashed_overrides` records which
 * overrides were applied, so that those added later are told apart.
 *
 * One transaction, on the writing connection (callers serialise it with the
 * other writes): a statement sees all of the old parts or all of the new
 * ones. A reader that needs several statements to agree watches `commit`
 * (called around the COMMIT) to know whether one may have fallen in between.
 * The whole table is rewritten each time, so the caller runs it when the
 * recent part has grown to a fair share of the sorted one.
 */
export async function compactEvents(
  conn: DuckDBConnection,
  commit: { readonly before?: () => void; readonly after?: () => void } = {},
): Promise<CompactionResult> {
  const started = performance.now();
  await conn.run('BEGIN TRANSACTION');
  try {
    const recent = await conn.runAndReadAll('SELECT count(*) FROM events_recent');
    const fromRecent = Number(recent.getRows()[0]?.[0] ?? 0);
    await conn.run('DROP TABLE IF EXISTS events_sorted_next');
    await conn.run(eventsTableDdl('events_sorted_next', 'sorted'));
    // One ordered statement: DuckDB keeps a statement's order in the rows it
    // inserts (insertion order is preserved by default). Persons are numbered
    // in the same order, so the numbers ascend through the table.
    await conn.run(`INSERT INTO events_sorted_next
      SELECT m.*, (dense_rank() OVER (ORDER BY m.project_id, m.person_id))::INTEGER
      FROM (
        SELECT e.* REPLACE (coalesce(o.person_id, e.person_id) AS person_id)
        FROM events e
        LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
      ) m
      ORDER BY m.project_id, m.person_id, m.timestamp, m.uuid`);
    await conn.run('DROP TABLE events_sorted');
    await conn.run('ALTER TABLE events_sorted_next RENAME TO events_sorted');
    await conn.run('DELETE FROM events_recent');
    await conn.run('DELETE FROM sorted_persons');
    await conn.run(
      'INSERT INTO sorted_persons SELECT DISTINCT project_id, person_id, person_idx FROM events_sorted',
    );
    await conn.run('DELETE FROM squashed_overrides');
    await conn.run(
      'INSERT INTO squashed_overrides SELECT project_id, old_person_id FROM person_overrides',
    );
    // Views are bound when read, but recreate it so that it names the new table for certain.
    await conn.run(EVENTS_VIEW);
    const sorted = await conn.runAndReadAll('SELECT count(*) FROM events_sorted');
    commit.before?.();
    try {
      await conn.run('COMMIT');
    } finally {
      commit.after?.();
    }
    return {
      events: Number(sorted.getRows()[0]?.[0] ?? 0),
      fromRecent,
      ms: performance.now() - started,
    };
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

// The query benchmarks' data, generated deterministically inside DuckDB
// (INSERT … SELECT over range() with hash()), so every run and every engine
// sees the same events. Shared by queries.mjs and engines.mjs.

import { DuckDBInstance } from '@duckdb/node-api';
import { compactEvents, EVENTS_DDL } from '@opsloop/store';

/**
 * An in-memory DuckDB (2 threads, session time zone UTC) with the event tables
 * and generateEvents' events: what the query benchmarks read.
 */
export async function generatedInMemory({ events = 10_000_000, persons = 1_000_000 } = {}) {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const ddl of EVENTS_DDL) await conn.run(ddl);
  await generateEvents(conn, { events, persons });
  return { db, conn };
}

/** The first generated instant: events spread over DAYS days from here. */
export const START = Date.parse('2024-03-01T00:00:00Z');
export const DAYS = 30;

/** Person p's id: a UUID with p in its last 12 digits. */
const personId = (p) => `('00000000-0000-4000-8000-' || lpad((${p})::VARCHAR, 12, '0'))::UUID`;

/**
 * `events` and `person_overrides` under project 'bench' (the tables from EVENTS_DDL).
 * 20 event names, e0 the most common (30% + its share); funnel steps e0 → e1 → e2.
 * Person p's events come from distinct id 'd<p>'; every 50th person was merged into the next.
 */
export async function generateEvents(conn, { events, persons }) {
  await conn.run(`
    INSERT INTO events_recent (project_id, uuid, event, distinct_id, person_id, timestamp, received_at, properties, browser)
    SELECT 'bench', uuid(), 'e' || (CASE WHEN h % 100 < 30 THEN 0 ELSE h % 20 END)::VARCHAR,
           'd' || p::VARCHAR, ${personId('p')},
           TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_milliseconds((hash(i * 7 + 1) % ${DAYS * 86_400_000})::BIGINT),
           TIMESTAMPTZ '2024-03-01 00:00:00+00',
           json_object('amount', (h % 1000)::INTEGER), CASE WHEN h % 3 = 0 THEN 'Chrome' ELSE 'Firefox' END
    FROM (SELECT i, (hash(i) % ${persons})::BIGINT AS p, hash(i * 13 + 5) AS h FROM range(${events}) r(i))`);
  // 2% of persons were merged into another one.
  await conn.run(`INSERT INTO person_overrides SELECT 'bench', ${personId('p')}, ${personId(`(p + 1) % ${persons}`)}
    FROM range(0, ${persons}, 50) r(p)`);
}

/**
 * `persons` and `person_distinct_ids` to go with generateEvents: one row per
 * person that still exists (merged ones are gone), with a plan and a score;
 * 'd<p>' points at the person p is now (p + 1 for a merged p).
 */
export async function generateIdentity(conn, { persons }) {
  await conn.run(`INSERT INTO persons
    SELECT 'bench', ${personId('p')},
           json_object('plan', CASE hash(p * 3 + 1) % 3 WHEN 0 THEN 'free' WHEN 1 THEN 'pro' ELSE 'team' END,
                       'score', (hash(p * 5 + 2) % 100)::INTEGER),
           true, TIMESTAMPTZ '2024-03-01 00:00:00+00', 1
    FROM range(${persons}) r(p) WHERE p % 50 <> 0`);
  await conn.run(`INSERT INTO person_distinct_ids
    SELECT 'bench', 'd' || p::VARCHAR, ${personId(`CASE WHEN p % 50 = 0 THEN (p + 1) % ${persons} ELSE p END`)}
    FROM range(${persons}) r(p)`);
}

/**
 * Compacts every event into the person-ordered part, as the server's
 * compaction job does, then puts the last `tailDays` days back into the
 * recent part, as if they had arrived since. Logs what it did.
 */
export async function compactWithTail(conn, tailDays = 0) {
  const count = async () =>
    (
      await conn.runAndReadAll(
        'SELECT (SELECT count(*) FROM events_sorted), (SELECT count(*) FROM events_recent)',
      )
    ).getRows()[0];
  // A file compacted by an earlier run (--db) is not rewritten again.
  const [sorted0, recent0] = await count();
  if (Number(recent0) === 0 && Number(sorted0) > 0) console.log('already compacted');
  else {
    const done = await compactEvents(conn);
    console.log(`compacted ${done.events} events in ${(done.ms / 1000).toFixed(1)} s`);
  }
  if (tailDays > 0) {
    const since = `TIMESTAMPTZ '2024-03-01 00:00:00+00' + INTERVAL ${DAYS - tailDays} DAY`;
    await conn.run(
      `INSERT INTO events_recent SELECT * EXCLUDE (person_idx) FROM events_sorted WHERE timestamp >= ${since}`,
    );
    await conn.run(`DELETE FROM events_sorted WHERE timestamp >= ${since}`);
  }
  const [sorted, recent] = await count();
  console.log(`events: ${sorted} in person order, ${recent} recent`);
}

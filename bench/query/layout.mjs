// What the events' physical layout would give the analytics queries, on the
// benchmark's 10M events / 1M persons in memory (bench/query/_generate.mjs),
// all in one process so that the machine's drift cancels out:
//   person order   the same events copied in (project, person, time) order, as a
//                  compaction would lay closed periods out: each query runs as
//                  the server runs it (runAnalyticsQuery, one funnel thread) on
//                  both copies, alternated, and must give the same answer.
//   dense index    the grouping behind a unique-persons trend (persons' day
//                  masks) keyed by the stored UUID; by a dense INTEGER stored in
//                  each event, either its merged person's (merges squashed) or
//                  its stored person's with integer overrides joined; and by the
//                  merged person's integer looked up through a join on the UUID.
//                  DuckDB's perfect hash aggregation is allowed up to 2^21 groups
//                  (and, once, left at its default of 2^12).
//   person order,  the 3-step funnel over a person-ordered copy whose merges are
//   folded         squashed into the events, streamed in table order and folded
//                  as each person's run ends, against today's engine on the
//                  arrival-order copy (the answers must agree).
//   node bench/query/layout.mjs [--rounds 5]
import { AnalyticsQuery } from '@opsloop/schema';
import { FunnelThreadPool } from '@opsloop/store/analytics/funnel-threads/funnel-thread-pool';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { arg } from '../_argv.mjs';
import { generatedInMemory, START } from './_generate.mjs';
import { alternate, createSquashed, foldInPersonOrder } from './_person-order.mjs';
import { BENCH_CONTEXT, duckdbSource, funnelOf, TARGET_QUERIES } from './_queries.mjs';

const ROUNDS = Number(arg('rounds', 5));
const pool = new FunnelThreadPool(1);
const storeOf = (conn) => duckdbSource(conn, pool);
const secs = (ms) => `${(ms / 1000).toFixed(3)} s`;

const alternateRounds = (thunks) => alternate(thunks, ROUNDS);

// Person order.
const arrival = await generatedInMemory();
const ordered = await generatedInMemory();
let t = performance.now();
// In the recent part, as the events arrived before compactions existed: the
// grouping pass reads them, as it did every event when this was measured.
await ordered.conn.run(
  'CREATE TABLE events_by_person AS SELECT * FROM events_recent ORDER BY project_id, person_id, timestamp',
);
await ordered.conn.run('DROP TABLE events_recent');
await ordered.conn.run('ALTER TABLE events_by_person RENAME TO events_recent');
console.log(`person-ordered copy of 10M events: ${secs(performance.now() - t)}`);

const ctx = BENCH_CONTEXT;
const a = storeOf(arrival.conn);
const b = storeOf(ordered.conn);
for (const [name, raw] of TARGET_QUERIES) {
  const query = AnalyticsQuery.parse(raw);
  const [ra, rb] = [await runAnalyticsQuery(a, query, ctx), await runAnalyticsQuery(b, query, ctx)];
  if (JSON.stringify(ra) !== JSON.stringify(rb)) throw new Error(`${name}: the layouts disagree`);
  const m = await alternateRounds({
    arrival: () => runAnalyticsQuery(a, query, ctx),
    person: () => runAnalyticsQuery(b, query, ctx),
  });
  console.log(
    `${name.padEnd(38)} arrival order ${secs(m.arrival)}  person order ${secs(m.person)}  ×${(m.arrival / m.person).toFixed(2)}`,
  );
}

// Person order with merges squashed, folded as each person's run ends.
t = performance.now();
await createSquashed(ordered.conn);
console.log(`person-ordered copy with merges squashed: ${secs(performance.now() - t)}`);
const funnel = AnalyticsQuery.parse(funnelOf(3));
const expected = (await runAnalyticsQuery(a, funnel, ctx)).steps.map((s) => s.count).join(' → ');
const folded = (await foldInPersonOrder(ordered.conn)).join(' → ');
if (folded !== expected)
  throw new Error(`the streamed fold says ${folded}, the engine ${expected}`);
const f = await alternateRounds({
  engine: () => runAnalyticsQuery(a, funnel, ctx),
  folded: () => foldInPersonOrder(ordered.conn),
});
console.log(
  `${'3-step funnel, folded in person order'.padEnd(38)} engine today ${secs(f.engine)}  streamed fold ${secs(f.folded)}  ×${(f.engine / f.folded).toFixed(2)}  (${folded})`,
);
ordered.conn.closeSync();
ordered.db.closeSync();
await pool.close();

// Dense index.
const { conn } = arrival;
await conn.run(`CREATE TABLE person_index AS
  WITH stored AS (SELECT DISTINCT person_id FROM events),
  merged AS (SELECT s.person_id, coalesce(o.person_id, s.person_id) AS person FROM stored s
             LEFT JOIN person_overrides o ON o.project_id = 'bench' AND o.old_person_id = s.person_id),
  numbered AS (SELECT person, (row_number() OVER () - 1)::INTEGER AS idx FROM (SELECT DISTINCT person FROM merged))
  SELECT 'bench' AS project_id, merged.person_id, numbered.idx FROM merged JOIN numbered USING (person)`);
// What ingest would store: each event with its stored person's own index (merged
// persons keep theirs), and the merges as index → index overrides.
await conn.run(`CREATE TABLE stored_index AS
  SELECT 'bench' AS project_id, person_id, (row_number() OVER () - 1)::INTEGER AS idx
  FROM (SELECT DISTINCT person_id FROM events)`);
await conn.run(`CREATE TABLE index_overrides AS
  SELECT o.project_id, f.idx AS old_idx, t.idx AS idx FROM person_overrides o
  JOIN stored_index f ON f.person_id = o.old_person_id JOIN stored_index t ON t.person_id = o.person_id`);
await conn.run(`CREATE TABLE events_indexed AS
  SELECT e.*, x.idx, s.idx AS stored_idx FROM events e
  JOIN person_index x USING (project_id, person_id) JOIN stored_index s USING (project_id, person_id)`);
await conn.run('SET perfect_ht_threshold = 21');
const where = `e.project_id = 'bench' AND e.event = 'e0'
  AND e.timestamp >= TIMESTAMPTZ '2024-03-01 00:00:00+00' AND e.timestamp < TIMESTAMPTZ '2024-03-31 00:00:00+00'`;
const mask = `bit_or(1::BIGINT << ((epoch_ms(e.timestamp) - ${START}) // 86400000))`;
const grouped = (key, from) =>
  `SELECT count(*) AS persons, sum(m) AS check_sum FROM (SELECT ${key} AS p, ${mask} AS m FROM ${from} WHERE ${where} GROUP BY p)`;
const statements = {
  'stored UUID, overrides joined': grouped(
    'coalesce(o.person_id, e.person_id)',
    `events_indexed e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id`,
  ),
  'stored UUID, no overrides': grouped('e.person_id', 'events_indexed e'),
  'dense INTEGER, merges squashed': grouped('e.idx', 'events_indexed e'),
  'dense INTEGER, overrides joined': grouped(
    'coalesce(o.idx, e.stored_idx)',
    'events_indexed e LEFT JOIN index_overrides o ON o.project_id = e.project_id AND o.old_idx = e.stored_idx',
  ),
  'dense INTEGER by a join': grouped(
    'x.idx',
    'events_indexed e JOIN person_index x ON x.project_id = e.project_id AND x.person_id = e.person_id',
  ),
};
// The three that count merged persons must agree (the stored-UUID grouping counts a
// merged person once per stored id, so it differs by design).
const answers = new Set();
for (const [name, sql] of Object.entries(statements)) {
  if (name.endsWith('no overrides')) continue;
  const rows = (await conn.runAndReadAll(sql)).getRows();
  answers.add(`${rows[0]?.[0]} / ${rows[0]?.[1]}`);
}
if (answers.size !== 1) throw new Error(`the groupings disagree: ${[...answers].join(', ')}`);
const thunks = Object.fromEntries(
  Object.entries(statements).map(([name, sql]) => [name, () => conn.runAndReadAll(sql)]),
);
// The same integer grouping with DuckDB's default limit (2^12 groups): an ordinary hash table.
thunks['dense INTEGER, default limit'] = async () => {
  await conn.run('RESET perfect_ht_threshold');
  await conn.runAndReadAll(statements['dense INTEGER, overrides joined']);
  await conn.run('SET perfect_ht_threshold = 21');
};
const m = await alternateRounds(thunks);
const base = m['stored UUID, overrides joined'];
for (const [name, ms] of Object.entries(m))
  console.log(`${name.padEnd(31)} ${secs(ms)}  ×${(base / ms).toFixed(2)}`);
console.log(`merged persons with e0, and their masks' sum: ${[...answers][0]}`);
conn.closeSync();
arrival.db.closeSync();

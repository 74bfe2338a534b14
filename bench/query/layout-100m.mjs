// The 3-step funnel at 100M events on disk (target ≤ 5 s), today's engine against
// the layouts layout.mjs measures in memory, in one process, alternated:
//   engine          runAnalyticsQuery on the events as generated (arrival order);
//   UUID fold       events in person order with merges squashed, streamed in
//                   table order and folded as each person's run ends;
//   integer fold    the same with the person as a dense INTEGER.
// The answers must agree. The database is a file from queries.mjs, e.g.
//   node bench/query/queries.mjs --events 100000000 --persons 10000000 --db /tmp/q100m.duckdb --only "funnel: 3" --runs 1
// copied once to <db>.layout.duckdb, where the two person-ordered copies are
// added (several minutes; reused afterwards). The original file is not changed.
//   node bench/query/layout-100m.mjs --db /tmp/q100m.duckdb [--rounds 2]
import { copyFileSync, existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsQuery } from '@opsloop/schema';
import { FunnelThreadPool } from '@opsloop/store/analytics/funnel-threads/funnel-thread-pool';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { arg } from '../_argv.mjs';
import { alternate, createSquashed, foldInPersonOrder } from './_person-order.mjs';
import { BENCH_CONTEXT, duckdbSource, funnelOf } from './_queries.mjs';

const source = arg('db', undefined);
if (!source) {
  // `npm run bench` runs every script bare: this one needs the 100M-event file.
  console.log('layout-100m: nothing to read; pass --db <a 100M-event file from queries.mjs>');
  process.exit(0);
}
const rounds = Number(arg('rounds', 2));
const path = `${source}.layout.duckdb`;
if (!existsSync(path)) copyFileSync(source, path);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

const db = await DuckDBInstance.create(path, { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
const tables = await conn.runAndReadAll(
  `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'events_squashed_int'`,
);
if (Number(tables.getRows()[0]?.[0]) === 0) {
  const t = performance.now();
  console.log('copying the events into person order, merges squashed (minutes)…');
  await createSquashed(conn, { integerPerson: true });
  await conn.run('CHECKPOINT');
  console.log(
    `person-ordered copies: ${secs(performance.now() - t)}, peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB (DuckDB's sort)`,
  );
}
// The queries' own peak from here on.
peakRss = 0;

const pool = new FunnelThreadPool(1);
const store = duckdbSource(conn, pool);
const funnel = AnalyticsQuery.parse(funnelOf(3));
const ways = {
  engine: async () =>
    (await runAnalyticsQuery(store, funnel, BENCH_CONTEXT)).steps.map((s) => s.count),
  'UUID fold': () => foldInPersonOrder(conn),
  'integer fold': () => foldInPersonOrder(conn, { integerPerson: true }),
};
const answers = new Map();
for (const [name, run] of Object.entries(ways)) answers.set(name, (await run()).join(' → '));
if (new Set(answers.values()).size !== 1)
  throw new Error(`the ways disagree: ${JSON.stringify(Object.fromEntries(answers))}`);
const m = await alternate(ways, rounds);
for (const [name, ms] of Object.entries(m))
  console.log(`${name.padEnd(14)} ${secs(ms)}  ×${(m.engine / ms).toFixed(2)}`);
console.log(`counts: ${answers.get('engine')}; peak RSS ${(peakRss / 2 ** 30).toFixed(2)} GiB`);
clearInterval(sampler);
await pool.close();
conn.closeSync();
db.closeSync();

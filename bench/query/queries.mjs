// Query latency on 10M events / 1M persons / 30 days, DuckDB embedded, 2 threads, warm.
//   node bench/query/queries.mjs [--events 10000000] [--persons 1000000] [--runs 3]
//        [--db path/to/file.duckdb] [--only funnel] [--rows] [--clickhouse] [--threads N]
//        [--tail-days N] [--no-compact]
// Data is generated deterministically inside DuckDB (INSERT … SELECT over range()
// with hash()), so every run sees the same events. Without --db the database is
// in memory; with it, a file that is generated once and reused (on-disk figures).
// Each query runs as the server runs it (runAnalyticsQuery): funnels stream
// column chunks (with --threads funnel threads, by default the server's), the others
// read row objects. Prints best and median of the warm
// runs, then peak RSS. --rows also times funnels shaped from row objects (per-person
// lists aggregated in DuckDB, as stores without chunk streaming run them). --clickhouse also loads the same events into a local
// ClickHouse (clickhouse-server from Debian, started and stopped here) and times
// its windowFunnel against ours.
// Generated events are compacted into the person-ordered part, as the server's
// compaction job keeps them (--no-compact leaves them all in arrival order);
// --tail-days N then puts the last N days back in the recent part, as if they
// had arrived since the compaction.
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsQuery } from '@opsloop/schema';
import { EVENTS_DDL } from '@opsloop/store';
import {
  defaultFunnelThreads,
  FunnelThreadPool,
} from '@opsloop/store/analytics/funnel-threads/funnel-thread-pool';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { arg } from '../_argv.mjs';
import { compactWithTail, generateEvents } from './_generate.mjs';
import { BENCH_CONTEXT, duckdbSource, TARGET_QUERIES } from './_queries.mjs';
import { clickhouseFunnel } from './clickhouse.mjs';

const EVENTS = Number(arg('events', 10_000_000));
const PERSONS = Number(arg('persons', 1_000_000));
const RUNS = Number(arg('runs', 3));
const DB = arg('db', ':memory:');
const ONLY = arg('only', '');
// As the server runs them: funnels share their per-person pass with these threads.
const THREADS = Number(arg('threads', defaultFunnelThreads()));
const COMPACT = !process.argv.includes('--no-compact');
const TAIL_DAYS = Number(arg('tail-days', 0));

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const fresh = DB === ':memory:' || !existsSync(DB);
const db = await DuckDBInstance.create(DB, { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const ddl of EVENTS_DDL) await conn.run(ddl);

let t = performance.now();
if (fresh) {
  await generateEvents(conn, { events: EVENTS, persons: PERSONS });
  if (DB !== ':memory:') await conn.run('CHECKPOINT');
  console.log(
    `generated ${EVENTS} events / ${PERSONS} persons in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
} else {
  const [[n]] = (await conn.runAndReadAll('SELECT count(*) FROM events')).getRows();
  console.log(`reusing ${DB}: ${n} events`);
}
if (COMPACT) await compactWithTail(conn, TAIL_DAYS);

// The store as the server uses it: row objects, or column chunks for funnels.
const store = duckdbSource(conn, new FunnelThreadPool(THREADS));
console.log(`funnel threads: ${THREADS} besides the reading one`);
const ctx = BENCH_CONTEXT;
const cases = TARGET_QUERIES;

// The machine's speed in this run (see bench/people): events grouped by stored person, one
// minimum each. Ratios to it compare across runs on shared machines; absolute times do not.
let baseline = Number.POSITIVE_INFINITY;
for (let r = 0; r < Math.max(RUNS, 5) + 1; r++) {
  t = performance.now();
  await conn.run(
    "SELECT count(*) FROM (SELECT person_id, min(timestamp) FROM events WHERE project_id = 'bench' GROUP BY person_id)",
  );
  if (r > 0) baseline = Math.min(baseline, performance.now() - t);
}
console.log(
  `${'baseline: events grouped by stored person'.padEnd(40)} best ${(baseline / 1000).toFixed(3)} s`,
);

const results = new Map();
for (const [name, raw] of cases) {
  if (ONLY && !name.includes(ONLY)) continue;
  const query = AnalyticsQuery.parse(raw);
  const times = [];
  let result;
  for (let r = 0; r < RUNS + 1; r++) {
    t = performance.now();
    result = await runAnalyticsQuery(store, query, ctx);
    if (r > 0) times.push(performance.now() - t);
  }
  results.set(name, result);
  report(name, times);
  if (query.kind === 'funnel' && process.argv.includes('--rows')) {
    const rowsOnly = { dialect: 'duckdb', execute: store.execute };
    const rowTimes = [];
    for (let r = 0; r < RUNS; r++) {
      t = performance.now();
      await runAnalyticsQuery(rowsOnly, query, ctx);
      rowTimes.push(performance.now() - t);
    }
    report(`  same, from row objects`, rowTimes);
  }
}

function report(name, times) {
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(40)} best ${(times[0] / 1000).toFixed(3)} s  median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(3)} s  ×${(times[0] / baseline).toFixed(2)} baseline`,
  );
}
const funnel3 = results.get('funnel: 3 steps, 7-day window');
if (funnel3) console.log(`  3-step counts: ${funnel3.steps.map((s) => s.count).join(' → ')}`);
clearInterval(sampler);
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);

if (process.argv.includes('--clickhouse')) await clickhouseFunnel(conn, { runs: RUNS });
await store.funnelThreads.close();
conn.closeSync();
db.closeSync();

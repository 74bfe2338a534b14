// The analytics query benchmarks on DuckDB, on one ClickHouse server and on a
// two-shard ClickHouse cluster: the same generated data, the same AnalyticsQuery
// objects through runAnalyticsQuery, in the same run, answers checked equal.
//   node bench/query/engines.mjs [--events 10000000] [--persons 1000000] [--runs 3]
//        [--only trend,funnel] [--chunk 1000000] [--ch-memory 10000000000] [--no-profile]
//        [--tail-days 1]
// Data comes from _generate.mjs (as queries.mjs), events + persons + distinct ids
// + overrides, into DuckDB (in memory, 2 threads); then through CSV files into
// ClickHouse 18.16 (Debian's clickhouse-server, two throwaway servers from the
// test harness): database bench_one on the first server alone, bench_two sharded
// by person over both (Distributed `events`). Both servers run on this machine,
// so two shards share its cores with each other and cannot beat one in wall time.
// Per query: best and median of --runs warm runs (after one unmeasured run) per
// engine, a loud MISMATCH when an engine answers differently from DuckDB (both
// answers are written to a JSON file); on ClickHouse the unmeasured run samples
// system.processes (rows read, memory of all servers together) unless --no-profile.
// --ch-memory is ClickHouse's max_memory_usage per query (its own default is
// 10 GB; the test harness profile caps it at 1 GB). DuckDB's events are compacted
// into the person-ordered part but for the last --tail-days days, as the server
// keeps them, so that funnels fold runs and merge the recent part in.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsQuery } from '@opsloop/schema';
import { EVENTS_DDL } from '@opsloop/store';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { ClickHouseEventStore } from '@opsloop/store/events/clickhouse/clickhouse-event-store';
import { startClickHouse, TEST_CLUSTER } from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { arg } from '../_argv.mjs';
import { chQuery, loadClickHouse, sampleProcesses } from './_clickhouse.mjs';
import { compactWithTail, DAYS, generateEvents, generateIdentity, START } from './_generate.mjs';
import {
  BENCH_CONTEXT,
  BENCH_RANGE,
  duckdbSource,
  funnelOf,
  RETENTION_8_WEEKS,
} from './_queries.mjs';

const EVENTS = Number(arg('events', 10_000_000));
const PERSONS = Number(arg('persons', 1_000_000));
const RUNS = Number(arg('runs', 3));
const ONLY = arg('only', '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const CHUNK = Number(arg('chunk', 1_000_000));
const CH_MEMORY = Number(arg('ch-memory', 10_000_000_000));
const PROFILE = !process.argv.includes('--no-profile');

// Exit through 'exit' on Ctrl-C, so the harness's exit hook kills the ClickHouse servers.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const started = performance.now();
const clock = () => `[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s]`;
const log = (line) => console.log(`${clock()} ${line}`);
const load = () =>
  execSync('uptime')
    .toString()
    .trim()
    .replace(/^.*load average/, 'load average');

const range = BENCH_RANGE;
const CASES = [
  ['trend: daily total, e0', { kind: 'trends', dateRange: range, series: [{ event: 'e0' }] }],
  [
    'trend: daily unique persons, e0',
    { kind: 'trends', dateRange: range, series: [{ event: 'e0', math: 'unique_persons' }] },
  ],
  [
    'trend: DAU by week, e0',
    { kind: 'trends', dateRange: range, interval: 'week', series: [{ event: 'e0', math: 'dau' }] },
  ],
  [
    'trend: daily total by browser, e0',
    {
      kind: 'trends',
      dateRange: range,
      series: [{ event: 'e0' }],
      breakdown: { on: 'event', property: 'browser' },
    },
  ],
  ['retention: first time, 8 weeks', RETENTION_8_WEEKS],
  ['lifecycle: daily, e0', { kind: 'lifecycle', dateRange: range, event: 'e0', interval: 'day' }],
  ['stickiness: daily, e1', { kind: 'stickiness', dateRange: range, event: 'e1', interval: 'day' }],
  ['funnel: 3 steps, 7-day window', funnelOf(3)],
  ['funnel: 20 steps, 7-day window', funnelOf(20)],
  [
    'paths: 3 steps after e1, 1 day',
    {
      kind: 'paths',
      dateRange: range,
      start: { event: 'e1' },
      steps: 3,
      window: { value: 1, unit: 'day' },
    },
  ],
  [
    'persons: did e1 ≥ 3 times in 30 days',
    {
      kind: 'persons',
      where: { performed: 'e1', within: { days: 30 }, times: { op: 'gte', value: 3 } },
      orderBy: 'lastSeen',
      limit: 100,
    },
  ],
].filter(([name]) => ONLY.length === 0 || ONLY.some((o) => name.includes(o)));
const ctx = BENCH_CONTEXT;

log(`start: ${load()}`);
log(`generating ${EVENTS} events / ${PERSONS} persons in DuckDB`);
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const ddl of EVENTS_DDL) await conn.run(ddl);
await generateEvents(conn, { events: EVENTS, persons: PERSONS });
await generateIdentity(conn, { persons: PERSONS });
await compactWithTail(conn, Number(arg('tail-days', 1)));
log('generated');

const duck = duckdbSource(conn);

const ch = await startClickHouse({ shards: 2 });
const dir = mkdtempSync(join(tmpdir(), 'opsloop-engines-'));
const stores = [];
try {
  const urls = ch.nodes.map((n) => n.url);
  const version = (await chQuery(urls[0], 'SELECT version()')).trim();
  // The store's client takes settings from its URL: here the per-query memory cap.
  const address = (url) => ({ url: `${url}/?ch_max_memory_usage=${CH_MEMORY}` });
  const one = await ClickHouseEventStore.open({ server: address(urls[0]), database: 'bench_one' });
  const two = await ClickHouseEventStore.open({
    server: address(urls[0]),
    database: 'bench_two',
    cluster: { name: TEST_CLUSTER, shards: urls.map(address) },
  });
  stores.push(one, two);
  log(`ClickHouse ${version}: loading (chunks of ${CHUNK} events)`);
  const t = performance.now();
  const loaded = await loadClickHouse(conn, {
    urls,
    single: 'bench_one',
    cluster: 'bench_two',
    chunk: CHUNK,
    dir,
    days: DAYS,
    start: START,
    log,
    settings: { max_memory_usage: CH_MEMORY },
  });
  log(
    `loaded ${loaded.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s (shards hold ${loaded.perShard.join(' + ')})`,
  );
  log(`before queries: ${load()}`);

  const engines = [
    ['DuckDB', duck, null],
    ['CH 1 shard', one, urls.slice(0, 1)],
    ['CH 2 shards', two, urls],
  ];
  const rows = [];
  for (const [name, raw] of CASES) {
    const query = AnalyticsQuery.parse(raw);
    const row = { name, times: [], answers: [], errors: [], profiles: [] };
    for (const [engine, store, servers] of engines) {
      try {
        // The unmeasured first run warms caches; on ClickHouse it is also the sampled one.
        const warm = () => runAnalyticsQuery(store, query, ctx);
        const profile = PROFILE && servers ? await sampleProcesses(servers, warm) : await warm();
        const times = [];
        let answer;
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          answer = await runAnalyticsQuery(store, query, ctx);
          times.push((performance.now() - t0) / 1000);
        }
        times.sort((a, b) => a - b);
        row.times.push({ best: times[0], median: times[Math.floor(times.length / 2)] });
        row.answers.push(answer);
        row.errors.push(null);
        row.profiles.push(PROFILE && servers ? profile : null);
      } catch (err) {
        row.times.push(null);
        row.answers.push(undefined);
        row.errors.push(
          String(err?.message ?? err)
            .split('\n')[0]
            .slice(0, 160),
        );
        row.profiles.push(null);
      }
      const t = row.times.at(-1);
      log(
        `${name.padEnd(38)} ${engine.padEnd(12)} ${t ? `best ${t.best.toFixed(3)} s  median ${t.median.toFixed(3)} s` : `FAILED: ${row.errors.at(-1)}`}`,
      );
    }
    row.verdict = compareAnswers(
      name,
      raw,
      row.answers,
      engines.map(([e]) => e),
    );
    rows.push(row);
  }
  log(`end: ${load()}`);
  printTable(rows);
} finally {
  for (const s of stores) await s.close?.();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
  conn.closeSync();
  db.closeSync();
}

/** Numbers to 10 significant digits (float sums differ in the last bits between engines). */
function canon(x) {
  if (typeof x === 'number') return Number.isInteger(x) ? x : Number(x.toPrecision(10));
  if (Array.isArray(x)) return x.map(canon);
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, canon(v)]));
  return x;
}

/** The first path at which two values differ, or null. */
function firstDifference(a, b, path = '$') {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

function compareAnswers(name, raw, answers, names) {
  const [want] = answers;
  if (want === undefined) return 'no DuckDB answer';
  const bad = [];
  answers.forEach((got, i) => {
    if (i === 0 || got === undefined) return;
    const diff = firstDifference(canon(want), canon(got));
    if (!diff) return;
    const file = join(tmpdir(), `engines-mismatch-${name.replace(/\W+/g, '-')}-${i}.json`);
    writeFileSync(file, JSON.stringify({ query: raw, duckdb: want, [names[i]]: got }, null, 1));
    console.log(
      `\n!!!!! MISMATCH: ${name} — ${names[i]} answers differently from DuckDB\n!!!!! query ${JSON.stringify(raw)}\n!!!!! first difference ${diff}\n!!!!! both answers in ${file}\n`,
    );
    bad.push(names[i]);
  });
  return bad.length ? `MISMATCH (${bad.join(', ')})` : 'equal';
}

function printTable(rows) {
  const s = (t) => (t ? `${t.best.toFixed(3)} / ${t.median.toFixed(3)}` : 'failed');
  const ratio = (t, d) => (t && d ? `${(t.best / d.best).toFixed(2)}×` : '–');
  console.log(
    `\n${EVENTS} events / ${PERSONS} persons; seconds best / median of ${RUNS} warm runs; ratios of best times`,
  );
  console.log(
    '| query | DuckDB | CH 1 shard | CH 2 shards | CH1/DuckDB | CH2/DuckDB | answers |\n|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    const [d, c1, c2] = r.times;
    console.log(
      `| ${r.name} | ${s(d)} | ${s(c1)} | ${s(c2)} | ${ratio(c1, d)} | ${ratio(c2, d)} | ${r.verdict} |`,
    );
  }
  const failures = rows.flatMap((r) =>
    r.errors
      .map((e, i) =>
        e ? `  ${r.name} on ${['DuckDB', 'CH 1 shard', 'CH 2 shards'][i]}: ${e}` : null,
      )
      .filter(Boolean),
  );
  if (failures.length) console.log(`\nfailed:\n${failures.join('\n')}`);
  if (!PROFILE) return;
  const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const p = (x) => (x ? `${(x.readRows / 1e6).toFixed(1)} M rows, ${mib(x.memory)}` : '–');
  console.log(
    '\nClickHouse, sampled from system.processes (most rows read by one query, peak memory of all servers)\n| query | CH 1 shard | CH 2 shards |\n|---|---|---|',
  );
  for (const r of rows) console.log(`| ${r.name} | ${p(r.profiles[1])} | ${p(r.profiles[2])} |`);
}

// Query latency on 10M events / 1M persons / 30 days, DuckDB embedded, 2 threads, warm.
//   node bench/query/queries.mjs [--events 10000000] [--persons 1000000] [--runs 3]
// Data is generated deterministically inside DuckDB (INSERT … SELECT over range()
// with hash()), so every run sees the same events. Prints one line per query:
// best and median of the warm runs, then peak RSS.
import { DuckDBInstance } from '@duckdb/node-api';
import { compileQuery } from '@opsloop/engine';
import { AnalyticsQuery } from '@opsloop/schema';
import { EVENTS_DDL } from '@opsloop/store';
import { toDuckDBParameter, toJsonSafe } from '@opsloop/store/events/duckdb/values';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const EVENTS = arg('events', 10_000_000);
const PERSONS = arg('persons', 1_000_000);
const RUNS = arg('runs', 3);
const START = Date.parse('2024-03-01T00:00:00Z');
const DAYS = 30;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const ddl of EVENTS_DDL) await conn.run(ddl);

let t = performance.now();
// 20 event names; e0 is the most common. Step names for funnels: e0 → e1 → e2.
await conn.run(`
  INSERT INTO events (project_id, uuid, event, distinct_id, person_id, timestamp, received_at, properties, browser)
  SELECT 'bench', uuid(), 'e' || (CASE WHEN h % 100 < 30 THEN 0 ELSE h % 20 END)::VARCHAR,
         'd' || p::VARCHAR, ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID,
         TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_milliseconds((hash(i * 7 + 1) % ${DAYS * 86_400_000})::BIGINT),
         TIMESTAMPTZ '2024-03-01 00:00:00+00',
         json_object('amount', (h % 1000)::INTEGER), CASE WHEN h % 3 = 0 THEN 'Chrome' ELSE 'Firefox' END
  FROM (SELECT i, (hash(i) % ${PERSONS})::BIGINT AS p, hash(i * 13 + 5) AS h FROM range(${EVENTS}) r(i))`);
// 2% of persons were merged into another one.
await conn.run(`INSERT INTO person_overrides SELECT 'bench', ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID,
  ('00000000-0000-4000-8000-' || lpad(((p + 1) % ${PERSONS})::VARCHAR, 12, '0'))::UUID FROM range(0, ${PERSONS}, 50) r(p)`);
console.log(
  `generated ${EVENTS} events / ${PERSONS} persons in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const ctx = {
  dialect: 'duckdb',
  projectId: 'bench',
  timezone: 'UTC',
  now: START + DAYS * 86_400_000,
};
const range = { from: '2024-03-01', to: '2024-03-30' };
const steps = (n) => Array.from({ length: n }, (_, i) => ({ event: `e${i}` }));
const cases = [
  [
    'trend: daily unique persons, 30 days',
    {
      kind: 'trends',
      dateRange: range,
      series: [{ event: 'e0', math: 'unique_persons' }],
      interval: 'day',
    },
  ],
  [
    'trend: daily total, all of e0',
    { kind: 'trends', dateRange: range, series: [{ event: 'e0' }], interval: 'day' },
  ],
  [
    'retention: 8 weeks, first time',
    {
      kind: 'retention',
      dateRange: { from: '2024-03-01', to: '2024-03-07' },
      startEvent: { event: 'e1' },
      returnEvent: { event: 'e0' },
      period: 'week',
      periods: 8,
    },
  ],
  [
    'funnel: 3 steps, 7-day window',
    { kind: 'funnel', dateRange: range, steps: steps(3), window: { value: 7, unit: 'day' } },
  ],
  [
    'funnel: 20 steps, 7-day window',
    { kind: 'funnel', dateRange: range, steps: steps(20), window: { value: 7, unit: 'day' } },
  ],
];

for (const [name, raw] of cases) {
  const { compiled, shape } = compileQuery(AnalyticsQuery.parse(raw), ctx);
  const times = [];
  let sqlMs = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    t = performance.now();
    const reader = await conn.runAndReadAll(
      compiled.sql,
      compiled.parameters.map(toDuckDBParameter),
    );
    const rows = reader.getRowObjectsJS().map(toJsonSafe);
    const mid = performance.now();
    shape(rows);
    if (r > 0) {
      times.push(performance.now() - t);
      sqlMs = mid - t;
    }
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(40)} best ${(times[0] / 1000).toFixed(3)} s  median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(3)} s  (last run: SQL+fetch ${(sqlMs / 1000).toFixed(3)} s)`,
  );
}
clearInterval(sampler);
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
conn.closeSync();
db.closeSync();

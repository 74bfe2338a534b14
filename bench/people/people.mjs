// People latencies on 10M events / 1M persons / 30 days, DuckDB embedded, 2 threads, warm.
//   node bench/people/people.mjs [--events 10000000] [--persons 1000000] [--runs 5] [--daily 1]
// The events come from bench/query's deterministic generator (same SQL: hash() over
// range()), plus one persons row per person. Event names are e0…e19 (e0 is 30% of
// all events); here "purchase" is e5 and "app_open" is e0.
import { DuckDBInstance } from '@duckdb/node-api';
import { personListQuery } from '@opsloop/engine/people/person-list';
import { personProfileQuery, timelineQuery } from '@opsloop/engine/people/person-profile';
import { rfmScoresQuery } from '@opsloop/engine/rfm/rfm-sql';
import { segmentMembersQuery } from '@opsloop/engine/segments/members-sql';
import { stagePeriods } from '@opsloop/engine/stratification/periods';
import { stageCountsQuery } from '@opsloop/engine/stratification/stage-counts-sql';
import { EVENTS_DDL } from '@opsloop/store';
import { toDuckDBParameter } from '@opsloop/store/events/duckdb/values';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const EVENTS = arg('events', 10_000_000);
const PERSONS = arg('persons', 1_000_000);
const RUNS = arg('runs', 5);
// By day, a month is 30 instants: slow (see BENCHMARKS.md), so only on request.
const DAILY = arg('daily', 0) === 1;
// Stratification takes minutes at full size; `--strat 0` skips it.
const STRAT = arg('strat', 1) === 1;
// `--only segment,timeline,…`: run only the queries whose label starts with one of these.
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? (process.argv[i + 1] ?? '').split(',') : null;
})();
const DAYS = 30;
const NOW = Date.parse('2024-03-31T00:00:00Z');

const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const ddl of EVENTS_DDL) await conn.run(ddl);
let t = performance.now();
await conn.run(`
  INSERT INTO events_recent (project_id, uuid, event, distinct_id, person_id, timestamp, received_at, properties, browser)
  SELECT 'bench', uuid(), 'e' || (CASE WHEN h % 100 < 30 THEN 0 ELSE h % 20 END)::VARCHAR,
         'd' || p::VARCHAR, ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID,
         TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_milliseconds((hash(i * 7 + 1) % ${DAYS * 86_400_000})::BIGINT),
         TIMESTAMPTZ '2024-03-01 00:00:00+00',
         json_object('amount', (h % 1000)::INTEGER), CASE WHEN h % 3 = 0 THEN 'Chrome' ELSE 'Firefox' END
  FROM (SELECT i, (hash(i) % ${PERSONS})::BIGINT AS p, hash(i * 13 + 5) AS h FROM range(${EVENTS}) r(i))`);
await conn.run(`INSERT INTO person_overrides SELECT 'bench', ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID,
  ('00000000-0000-4000-8000-' || lpad(((p + 1) % ${PERSONS})::VARCHAR, 12, '0'))::UUID FROM range(0, ${PERSONS}, 50) r(p)`);
await conn.run(`INSERT INTO persons SELECT 'bench', ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID,
  json_object('email', 'u' || p || '@example.com', 'plan', CASE WHEN p % 4 = 0 THEN 'pro' ELSE 'free' END),
  true, TIMESTAMPTZ '2024-03-01 00:00:00+00', 1 FROM range(${PERSONS}) r(p) WHERE p % 50 <> 0`);
await conn.run(
  `INSERT INTO person_distinct_ids SELECT 'bench', 'd' || p, ('00000000-0000-4000-8000-' || lpad(p::VARCHAR, 12, '0'))::UUID FROM range(${PERSONS}) r(p)`,
);
console.log(
  `generated ${EVENTS} events / ${PERSONS} persons in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

async function run(q) {
  const r = await conn.runAndReadAll(q.sql, q.parameters.map(toDuckDBParameter));
  return r.getRowObjectsJS();
}
const bests = new Map();
async function time(label, build, { runs = RUNS, target, always = false } = {}) {
  if (!always && ONLY && !ONLY.some((o) => label.startsWith(o))) return;
  const times = [];
  let rows = 0;
  await run(build(0)); // warm
  for (let i = 0; i < runs; i++) {
    const q = build(i + 1);
    t = performance.now();
    rows = (await run(q)).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  bests.set(label, times[0]);
  const base = bests.get(BASELINE);
  const ratio = base && label !== BASELINE ? `  ×${(times[0] / base).toFixed(2)} baseline` : '';
  console.log(
    `${label.padEnd(62)} best ${times[0].toFixed(0).padStart(5)} ms  median ${median.toFixed(0).padStart(5)} ms  rows ${rows}${ratio}${target ? `  (target ${target})` : ''}`,
  );
}

// The machine's speed in this run: the plainest grouped scan of all events into persons
// (one minimum each), the floor under the segment and stratification queries. Their
// ratio to it compares across runs where absolute times do not (shared 2-core machines).
const baselineQuery = {
  sql: "SELECT count(*) AS n FROM (SELECT person_id, min(timestamp) FROM events WHERE project_id = 'bench' GROUP BY person_id)",
  parameters: [],
};
const BASELINE = 'baseline: events grouped by stored person, one min';
await time(BASELINE, () => baselineQuery, { runs: Math.max(RUNS, 5), always: true });

const person = (i) =>
  `00000000-0000-4000-8000-${String((i * 7919 + 1) % PERSONS).padStart(12, '0')}`;
await time(
  'segment: purchase ≥ 2 in 30 days and no app_open in 14 days',
  () =>
    segmentMembersQuery(
      {
        and: [
          { performed: 'e5', times: { op: 'gte', value: 2 }, within: { days: 30 } },
          { notPerformed: 'e0', within: { days: 14 } },
        ],
      },
      { projectId: 'bench', asOf: NOW },
    ),
  { target: '≤ 1 s' },
);
await time(
  'person timeline: first page (50 events)',
  (i) => timelineQuery('bench', person(i), { limit: 50, mergedIds: [] }),
  {
    runs: 20,
    target: '≤ 50 ms',
  },
);
await time('person profile (ids, seen, groups)', (i) => personProfileQuery('bench', person(i)), {
  runs: 10,
});
await time('person list: first page, no filter', () =>
  personListQuery({ projectId: 'bench', asOf: NOW, limit: 50, offset: 0 }),
);
const config = {
  activationEvent: 'e1',
  activeEvents: [],
  engagedDays: 7,
  engagedMinActiveDays: 3,
  atRiskDays: 7,
  dormantDays: 14,
  churnedDays: 21,
};
for (const interval of !STRAT ? [] : DAILY ? ['week', 'day'] : ['week']) {
  const at = stagePeriods({ from: '2024-03-01', to: '2024-03-30' }, interval, 'UTC', NOW).map(
    (p) => p.end,
  );
  await time(
    `stratification: a month by ${interval} (${at.length} periods, with flows)`,
    () => stageCountsQuery('bench', 'UTC', at, config),
    { runs: 3, target: interval === 'week' ? '≤ 1 s' : undefined },
  );
}
await time(
  'RFM scores (e5 as purchase, amount)',
  () =>
    rfmScoresQuery('bench', NOW, { revenueEvent: 'e5', revenueProperty: 'amount', windowDays: 30 }),
  { runs: 3 },
);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
conn.closeSync();
db.closeSync();

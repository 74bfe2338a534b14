import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResolvedSegment } from '@opsloop/engine';
import { eventDefinitionsQuery } from '@opsloop/engine/people/definitions';
import {
  distinguishingEventsQuery,
  portraitSizesQuery,
  propertyDistributionQuery,
} from '@opsloop/engine/portraits/portrait-sql';
import { matchPersonsQuery } from '@opsloop/engine/segments/match-csv';
import { churnRiskQuery } from '@opsloop/engine/stratification/churn-risk-sql';
import { AnalyticsQuery } from '@opsloop/schema';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
  TEST_CLUSTER,
} from '../testing/clickhouse/start-clickhouse.js';
import { runAnalyticsQuery } from './run-query.js';
import { canon, dataOf, NOW, PERSONS, type World } from './testing/arb-world.js';
import { ClickHouseWorlds } from './testing/clickhouse-worlds.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

/** One fixed world: every person active, merges, DST days, mixed property types. */
const WORLD: World = {
  tz: 'America/New_York',
  compaction: undefined,
  events: [
    { event: 'a', person: 0, day: 0, hour: 4, half: false, plan: 'free', n: 1 },
    { event: 'b', person: 0, day: 1, hour: 5, half: true, plan: 'pro', n: 3 },
    { event: 'a', person: 1, day: 1, hour: 23, half: false, plan: undefined, n: -2 },
    { event: 'c', person: 1, day: 2, hour: 0, half: false, plan: 'pro', n: undefined },
    { event: 'b', person: 2, day: 2, hour: 0, half: false, plan: 'free', n: 5 },
    { event: 'a', person: 2, day: 3, hour: 6, half: true, plan: 'pro', n: 2 },
    { event: 'b', person: 3, day: 9, hour: 7, half: false, plan: undefined, n: 4 },
    { event: 'a', person: 3, day: 10, hour: 16, half: false, plan: 'free', n: 0 },
    { event: 'c', person: 0, day: 16, hour: 1, half: true, plan: 'pro', n: 2 },
    { event: 'a', person: 1, day: 23, hour: 2, half: false, plan: 'free', n: 5 },
    { event: 'b', person: 2, day: 24, hour: 23, half: true, plan: undefined, n: 1 },
    { event: 'a', person: 3, day: 31, hour: 0, half: false, plan: 'pro', n: 3 },
    { event: 'b', person: 0, day: 31, hour: 0, half: false, plan: 'pro', n: 3 },
    { event: 'a', person: 0, day: 16, hour: 1, half: true, plan: 'free', n: 4 },
  ],
  merges: [[0, 2]],
  tiers: ['x', 'y', undefined, 'x', 'y'],
  scores: [1, '10', 'abc', 2, undefined],
  extraIds: [0, 2, 4],
};
const RANGE = { from: '2024-03-08', to: '2024-04-01' };

/** Queries of every kind, with breakdowns and filters, that the fixed world gives answers to. */
const QUERIES: readonly { readonly name: string; readonly query: unknown }[] = [
  {
    name: 'trends: every math, compare, event breakdown',
    query: {
      kind: 'trends',
      dateRange: RANGE,
      interval: 'week',
      compare: true,
      breakdown: { on: 'event', property: 'plan' },
      series: ['total', 'unique_persons', 'sum', 'avg', 'min', 'max', 'median', 'p90'].map(
        (math) => ({ event: 'a', math, property: 'n' }),
      ),
    },
  },
  {
    name: 'trends: dau/wau/mau by person property, filtered',
    query: {
      kind: 'trends',
      dateRange: RANGE,
      interval: 'day',
      breakdown: { on: 'person', property: 'tier' },
      filters: { property: 'plan', on: 'event', op: 'is_set' },
      series: ['dau', 'wau', 'mau'].map((math) => ({ event: 'b', math })),
    },
  },
  {
    name: 'trends: hourly, behavioural and segment-member filters',
    query: {
      kind: 'trends',
      dateRange: { from: '2024-03-08', to: '2024-03-12' },
      interval: 'hour',
      filters: {
        or: [
          { performed: 'b', within: { days: 40 }, times: { op: 'gte', value: 2 } },
          { notPerformed: 'c', within: { days: 40 } },
        ],
      },
      series: [{ event: 'a' }, { event: 'b', math: 'unique_persons' }],
    },
  },
  ...(['first_time', 'recurring'] as const).flatMap((retentionType) => [
    {
      name: `retention: ${retentionType}`,
      query: {
        kind: 'retention',
        dateRange: RANGE,
        startEvent: { event: 'a' },
        returnEvent: { event: 'b' },
        period: 'week',
        periods: 4,
        retentionType,
      },
    },
    {
      name: `retention: ${retentionType} by event and by person property`,
      query: {
        kind: 'retention',
        dateRange: RANGE,
        startEvent: { event: 'a' },
        returnEvent: { event: 'a', filters: { property: 'n', on: 'event', op: 'gt', value: 0 } },
        period: 'day',
        periods: 30,
        retentionType,
        breakdown: { on: retentionType === 'recurring' ? 'event' : 'person', property: 'plan' },
      },
    },
  ]),
  ...(['day', 'week', 'month'] as const).map((interval) => ({
    name: `lifecycle by ${interval}`,
    query: { kind: 'lifecycle', dateRange: RANGE, event: 'a', interval },
  })),
  {
    name: 'stickiness',
    query: {
      kind: 'stickiness',
      dateRange: RANGE,
      event: 'a',
      interval: 'day',
      filters: { property: 'plan', on: 'event', op: 'contains', value: 'R' },
    },
  },
  ...[true, false].flatMap((collapseRepeats) => [
    {
      name: `paths after a start${collapseRepeats ? ', repeats merged' : ''}`,
      query: {
        kind: 'paths',
        dateRange: RANGE,
        start: { event: 'a' },
        window: { value: 3, unit: 'week' },
        steps: 4,
        collapseRepeats,
      },
    },
    {
      name: `paths before an end${collapseRepeats ? ', repeats merged' : ''}`,
      query: {
        kind: 'paths',
        dateRange: RANGE,
        end: { event: 'b', filters: { property: 'plan', on: 'event', op: 'regex', value: '^p' } },
        window: { value: 30, unit: 'day' },
        steps: 3,
        collapseRepeats,
      },
    },
  ]),
  ...(['ordered', 'strict', 'unordered'] as const).map((order) => ({
    name: `funnel: ${order}, with an exclusion`,
    query: {
      kind: 'funnel',
      dateRange: RANGE,
      order,
      steps: [
        { event: 'a' },
        { event: 'b' },
        { event: 'a', filters: { property: 'n', on: 'event', op: 'gt', value: 1 } },
      ],
      window: { value: 2, unit: 'week' },
      exclusions: [{ event: 'c', betweenSteps: [1, 2] }],
    },
  })),
  ...(['person', 'event'] as const).map((on) => ({
    name: `funnel: broken down by ${on} property`,
    query: {
      kind: 'funnel',
      dateRange: RANGE,
      steps: [{ event: 'a' }, { event: 'b' }],
      window: { value: 30, unit: 'day' },
      breakdown: { on, property: on === 'person' ? 'tier' : 'plan' },
      filters: { not: { performed: 'c', within: { days: 30 } } },
    },
  })),
  { name: 'persons: default order', query: { kind: 'persons' } },
  {
    name: 'persons: by a mixed property, ascending, second page',
    query: { kind: 'persons', orderBy: 'property:score', direction: 'asc', limit: 2, offset: 1 },
  },
  {
    name: 'persons: behaviour, event and person conditions',
    query: {
      kind: 'persons',
      orderBy: 'firstSeen',
      where: {
        or: [
          { performed: 'a', within: { days: 60 }, times: { op: 'gte', value: 2 } },
          { property: 'plan', on: 'event', op: 'eq', value: 'pro' },
          {
            and: [
              { property: 'tier', on: 'person', op: 'eq', value: 'y' },
              { notPerformed: 'c', within: { days: 60 } },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'persons: a page past the end still counts',
    query: { kind: 'persons', offset: 50 },
  },
  {
    name: 'segments: dynamic and static segments as filters',
    query: {
      kind: 'trends',
      dateRange: RANGE,
      interval: 'week',
      series: [
        { event: 'a', filters: { segment: 'active' } },
        { event: 'b', filters: { segment: 'picked' } },
        { event: 'a', filters: { not: { segment: 'picked' } } },
      ],
    },
  },
];

const SEGMENTS = new Map<string, ResolvedSegment>([
  [
    'active',
    {
      kind: 'dynamic',
      filter: { performed: 'a', within: { days: 60 }, times: { op: 'gte', value: 2 } },
    },
  ],
  ['picked', { kind: 'static', personIds: [PERSONS[3] ?? '', PERSONS[1] ?? ''] }],
]);

describe('analytics on ClickHouse answers as on DuckDB', { skip: clickhouseSkipReason() }, () => {
  let ch: RunningClickHouse;
  let duck: MemoryDuckDb;
  const targets: { name: string; worlds: ClickHouseWorlds; projectId: string }[] = [];
  // Emails for matching uploaded lists; no other query reads them.
  const world = dataOf(WORLD);
  const data = {
    ...world,
    persons: (world.persons ?? []).map((p, i) =>
      i === 1 || i === 3
        ? { ...p, properties: { ...p.properties, email: `P${i}@Example.com` } }
        : p,
    ),
  };
  before(async () => {
    ch = await startClickHouse({ shards: 2 });
    const urls = ch.nodes.map((n) => n.url);
    const single = await ClickHouseWorlds.open(urls.slice(0, 1), await ch.createDatabase());
    const cluster = await ClickHouseWorlds.open(urls, await ch.createDatabase(), {
      cluster: TEST_CLUSTER,
    });
    for (const [name, worlds] of [
      ['one server', single],
      ['two shards', cluster],
    ] as const)
      targets.push({ name, worlds, projectId: await worlds.load(data) });
    duck = await MemoryDuckDb.open();
    await duck.load(data);
  });
  after(async () => {
    for (const t of targets) await t.worlds.close();
    await duck?.close();
    await ch?.stop();
  });

  it('churn risk', async () => {
    const spec = {
      asOf: NOW,
      activeEvents: ['a', 'b'],
      recentDays: 3,
      baselineDays: 30,
      minBaselineEvents: 1,
      drop: 0.5,
      limit: 10,
    };
    const want = await duck.execute(churnRiskQuery({ ...spec, projectId: data.projectId }));
    assert.ok(want.length > 0, 'someone is at risk');
    for (const t of targets) {
      const got = await t.worlds.execute(
        churnRiskQuery({ ...spec, projectId: t.projectId, dialect: 'clickhouse' }),
      );
      assert.deepEqual(canon(got), canon(want), t.name);
    }
  });

  it('portraits: property distributions, distinguishing events, sizes', async () => {
    const segment = {
      performed: 'a',
      within: { days: 60 },
      times: { op: 'gte' as const, value: 2 },
    };
    const queries = (projectId: string, dialect?: 'clickhouse') => {
      const spec = { projectId, segment, asOf: NOW, dialect };
      return [
        propertyDistributionQuery(spec, { on: 'person', name: 'tier' }, 10),
        propertyDistributionQuery(spec, { on: 'event', name: 'plan' }, 10),
        distinguishingEventsQuery(spec, 60, 10),
        portraitSizesQuery(spec),
      ];
    };
    const want = await Promise.all(queries(data.projectId).map((q) => duck.execute(q)));
    assert.ok(
      want.every((rows) => rows.length > 0),
      'every portrait query answers',
    );
    for (const t of targets) {
      const got: unknown[] = [];
      for (const q of queries(t.projectId, 'clickhouse')) got.push(await t.worlds.execute(q));
      assert.deepEqual(canon(got), canon(want), t.name);
    }
  });

  it('event definitions and uploaded lists matched to persons', async () => {
    const queries = (projectId: string, dialect?: 'clickhouse') => [
      eventDefinitionsQuery(projectId, { dialect }),
      matchPersonsQuery(projectId, 'distinct_id', ['d1', 'anon2', "x'y", 'nobody'], { dialect }),
      matchPersonsQuery(projectId, 'email', ['p1@example.COM', 'P3@example.com', 'x'], {
        dialect,
      }),
    ];
    const sorted = (rows: readonly Record<string, unknown>[]) =>
      [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const want = (await Promise.all(queries(data.projectId).map((q) => duck.execute(q)))).map(
      sorted,
    );
    assert.ok(
      want.every((rows) => rows.length > 0),
      'every query answers',
    );
    for (const t of targets) {
      const got = [];
      for (const q of queries(t.projectId, 'clickhouse'))
        got.push(sorted(await t.worlds.execute(q)));
      assert.deepEqual(got, want, t.name);
    }
  });

  for (const { name, query } of QUERIES) {
    it(name, async () => {
      const q = AnalyticsQuery.parse(query);
      const ctx = { timezone: WORLD.tz, now: NOW, segments: SEGMENTS };
      const want = await runAnalyticsQuery(duck, q, { ...ctx, projectId: data.projectId });
      assert.notDeepEqual(canon(want), canon(emptied(want)), 'the world answers something');
      for (const t of targets) {
        const got = await runAnalyticsQuery(t.worlds, q, { ...ctx, projectId: t.projectId });
        assert.deepEqual(canon(got), canon(want), t.name);
      }
    });
  }
});

/** The same result with every number 0, to check that a case is not vacuous. */
function emptied(x: unknown): unknown {
  if (typeof x === 'number') return 0;
  if (Array.isArray(x)) return x.map(emptied);
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, emptied(v)]));
  return x;
}

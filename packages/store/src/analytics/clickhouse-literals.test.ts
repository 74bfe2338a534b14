import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AnalyticsQuery } from '@opsloop/schema';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
} from '../testing/clickhouse/start-clickhouse.js';
import { runAnalyticsQuery } from './run-query.js';
import { BASE, NOW, PERSONS } from './testing/arb-world.js';
import { ClickHouseWorlds } from './testing/clickhouse-worlds.js';
import type { TestData } from './testing/memory-duckdb.js';

/** Strings that would end, escape or cut a badly quoted ClickHouse literal. */
const HOSTILE = [
  "it's",
  "x'); DROP TABLE events; --",
  'back\\slash\\',
  '\\x00 not a NUL',
  'nul\u0000inside',
  'quote " and \\" and \\\\\'',
  'ünïcødé 🚀 中文',
  'tab\tnew\nline',
  "\\'; SELECT 1; --",
];

const data: TestData = {
  projectId: 'lit',
  events: HOSTILE.map((h, i) => ({
    uuid: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    event: h,
    distinctId: `d${i}`,
    personId: PERSONS[i % 4] ?? '',
    timestamp: BASE + i * 3_600_000,
    properties: { plan: h },
    url: h,
  })),
};
const dateRange = { from: '2024-03-08', to: '2024-03-09' };

describe('hostile strings stay literals on ClickHouse', { skip: clickhouseSkipReason() }, () => {
  let ch: RunningClickHouse;
  let worlds: ClickHouseWorlds;
  let projectId: string;
  before(async () => {
    ch = await startClickHouse();
    worlds = await ClickHouseWorlds.open(
      ch.nodes.map((n) => n.url),
      await ch.createDatabase(),
    );
    projectId = await worlds.load(data);
  });
  after(async () => {
    await worlds?.close();
    await ch?.stop();
  });
  const run = (query: unknown) =>
    runAnalyticsQuery(worlds, AnalyticsQuery.parse(query), {
      projectId,
      timezone: 'UTC',
      now: NOW,
    });

  it('event names, property values and breakdown values round-trip', async () => {
    const got = await run({
      kind: 'trends',
      dateRange,
      breakdown: { on: 'event', property: 'plan' },
      series: HOSTILE.map((h) => ({
        event: h,
        filters: {
          and: [
            { property: 'plan', on: 'event', op: 'eq', value: h },
            { property: 'url', on: 'event', op: 'in', value: [h, "'"] },
          ],
        },
      })),
    });
    assert.ok('series' in got);
    assert.deepEqual(
      got.series.map((s) => [s.seriesIndex, s.breakdownValue, s.total]),
      HOSTILE.map((h, i) => [i, h, 1]),
    );
  });

  it('contains and regex conditions match the text, not the SQL', async () => {
    const got = await run({
      kind: 'trends',
      dateRange,
      series: [
        {
          event: HOSTILE[1],
          filters: { property: 'plan', on: 'event', op: 'contains', value: "'); drop" },
        },
        {
          event: HOSTILE[2],
          filters: { property: 'url', on: 'event', op: 'regex', value: '\\\\$' },
        },
        {
          event: HOSTILE[6],
          filters: { property: 'plan', on: 'event', op: 'contains', value: 'ÜNÏ' },
        },
        {
          event: HOSTILE[0],
          filters: { property: 'plan', on: 'event', op: 'contains', value: "x'" },
        },
      ],
    });
    assert.ok('series' in got);
    assert.deepEqual(
      got.series.map((s) => s.total),
      [1, 1, 1, 0],
    );
  });

  it('paths and persons name hostile events as data', async () => {
    const paths = await run({
      kind: 'paths',
      dateRange,
      start: { event: HOSTILE[0] },
      window: { value: 1, unit: 'day' },
      steps: 10,
      collapseRepeats: false,
    });
    assert.ok('nodes' in paths);
    // Person 0 did events 0, 4 and 8, an hour apart and more.
    assert.deepEqual(
      paths.nodes.map((n) => n.event),
      [HOSTILE[0], HOSTILE[4], HOSTILE[8]],
    );
    const persons = await run({
      kind: 'persons',
      where: { performed: HOSTILE[5] ?? '', within: { days: 60 } },
    });
    assert.ok('persons' in persons);
    assert.deepEqual(
      persons.persons.map((p) => p.id),
      [PERSONS[1]],
    );
  });
});

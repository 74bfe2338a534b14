import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RefData } from '@opsloop/engine/reference/index';
import { segmentMembersQuery } from '@opsloop/engine/segments/members-sql';
import { referenceSegmentMembers } from '@opsloop/engine/segments/reference';
import type { Filter } from '@opsloop/schema';
import fc from 'fast-check';
import { clickhouseSkipReason } from '../testing/clickhouse/start-clickhouse.js';
import { useClickHouseWorlds } from './testing/clickhouse-worlds.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// Five persons (4 merges into 0), a dozen events over 40 days before NOW.
const P = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;
const NOW = Date.parse('2024-05-01T12:00:00Z');
const DAY = 86_400_000;

const arbEvent = fc.record({
  person: fc.nat(4),
  event: fc.constantFrom('purchase', 'app_open', 'signup'),
  daysAgo: fc.integer({ min: 0, max: 40 }),
  hour: fc.constantFrom(0, 11, 12, 13, 23),
  amount: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
});
const leaf = fc.constantFrom<Filter>(
  { performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } },
  { performed: 'purchase', within: { days: 7 } },
  { performed: 'purchase', times: { op: 'eq', value: 0 }, within: { days: 14 } },
  { performed: 'purchase', times: { op: 'lt', value: 2 }, within: { days: 30 } },
  {
    performed: 'purchase',
    within: { days: 30 },
    where: { property: 'amount', on: 'event', op: 'gt', value: 20 },
  },
  { notPerformed: 'app_open', within: { days: 14 } },
  { notPerformed: 'signup', within: { days: 1 } },
  { property: 'plan', on: 'person', op: 'eq', value: 'pro' },
  { property: 'plan', on: 'person', op: 'is_not_set' },
  { property: 'amount', on: 'event', op: 'gte', value: 40 },
);
const arbFilter: fc.Arbitrary<Filter> = fc.oneof(
  leaf,
  fc.record({ and: fc.array(leaf, { minLength: 1, maxLength: 3 }) }),
  fc.record({ or: fc.array(leaf, { minLength: 1, maxLength: 3 }) }),
  fc.record({ not: leaf }),
);
const arbWorld = fc.record({
  events: fc.array(arbEvent, { maxLength: 14 }),
  merged: fc.boolean(),
  plans: fc.array(fc.constantFrom('pro', 'free', undefined), { minLength: 5, maxLength: 5 }),
});
type World = typeof arbWorld extends fc.Arbitrary<infer W> ? W : never;

function dataOf(w: World): RefData {
  return {
    projectId: 'p1',
    events: w.events.map((e, i) => ({
      uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event: e.event,
      distinctId: `d${e.person}`,
      personId: P(e.person),
      timestamp: NOW - e.daysAgo * DAY + (e.hour - 12) * 3_600_000,
      properties: e.amount === undefined ? {} : { amount: e.amount },
    })),
    // The pipeline deletes a person merged away; only current persons have rows.
    persons: [0, 1, 2, 3, 4]
      .filter((i) => !(w.merged && i === 4))
      .map((i) => ({ id: P(i), properties: w.plans[i] ? { plan: w.plans[i] } : {} })),
    overrides: w.merged ? [{ oldPersonId: P(4), personId: P(0) }] : [],
  };
}

describe('dynamic segment membership: engine vs reference on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agrees on generated worlds and filters', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, arbFilter, async (w, filter) => {
        const data = dataOf(w);
        await db.load(data);
        const rows = await db.execute(segmentMembersQuery(filter, { projectId: 'p1', asOf: NOW }));
        const got = rows.map((r) => String(r['id']));
        assert.deepEqual(got, referenceSegmentMembers(data, filter, NOW));
      }),
      { numRuns: 60 },
    );
  });

  it('counts a behavioural segment by hand', async () => {
    const data = dataOf({
      events: [
        { person: 0, event: 'purchase', daysAgo: 3, hour: 12, amount: undefined },
        { person: 4, event: 'purchase', daysAgo: 20, hour: 12, amount: undefined },
        { person: 1, event: 'purchase', daysAgo: 3, hour: 12, amount: undefined },
        { person: 1, event: 'purchase', daysAgo: 4, hour: 12, amount: undefined },
        { person: 1, event: 'app_open', daysAgo: 2, hour: 12, amount: undefined },
        { person: 2, event: 'purchase', daysAgo: 31, hour: 13, amount: undefined },
        { person: 2, event: 'purchase', daysAgo: 1, hour: 13, amount: undefined },
      ],
      merged: true,
      plans: [undefined, undefined, undefined, undefined, undefined],
    });
    await db.load(data);
    const rows = await db.execute(
      segmentMembersQuery(
        {
          and: [
            { performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } },
            { notPerformed: 'app_open', within: { days: 14 } },
          ],
        },
        { projectId: 'p1', asOf: NOW },
      ),
    );
    // Person 0 counts the purchase of the person merged into it; 1 opened the app; 2's first is too old.
    assert.deepEqual(
      rows.map((r) => r['id']),
      [P(0)],
    );
  });
});

/** Worlds drawn once and loaded together (ClickHouse inserts are slow); filters still shrink. */
describe('dynamic segment membership: engine vs reference on ClickHouse', {
  skip: clickhouseSkipReason(),
}, () => {
  const pool = fc.sample(arbWorld, { numRuns: 30, seed: 11 });
  const loaded = useClickHouseWorlds(() => pool.map(dataOf));

  it('agrees on generated worlds and filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(pool.length - 1), arbFilter, async (i, filter) => {
        const w = pool[i];
        if (!w) throw new Error('no world');
        const rows = await loaded().worlds.execute(
          segmentMembersQuery(filter, {
            projectId: loaded().projects[i] ?? '',
            asOf: NOW,
            dialect: 'clickhouse',
          }),
        );
        const got = rows.map((r) => String(r['id']));
        assert.deepEqual(got, referenceSegmentMembers(dataOf(w), filter, NOW), JSON.stringify(w));
      }),
      { numRuns: 25 },
    );
  });
});

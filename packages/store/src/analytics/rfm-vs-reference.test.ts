import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RefData } from '@opsloop/engine/reference/index';
import { referenceRfm } from '@opsloop/engine/rfm/reference';
import { rfmScoresQuery } from '@opsloop/engine/rfm/rfm-sql';
import { ntile, tierOf } from '@opsloop/engine/rfm/tiers';
import fc from 'fast-check';
import { clickhouseSkipReason } from '../testing/clickhouse/start-clickhouse.js';
import { useClickHouseWorlds } from './testing/clickhouse-worlds.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

const P = (i: number) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`;
const DAY = 86_400_000;
const NOW = Date.parse('2024-06-01T00:00:00Z');
const config = { revenueEvent: 'purchase', revenueProperty: 'amount', windowDays: 30 };

const arbEvent = fc.record({
  person: fc.nat(11),
  event: fc.constantFrom('purchase', 'purchase', 'view'),
  daysAgo: fc.integer({ min: 0, max: 40 }),
  amount: fc.oneof(
    fc.integer({ min: 0, max: 100 }),
    fc.constant('12'),
    fc.constant(true),
    fc.constant(undefined),
  ),
});

const arbData: fc.Arbitrary<RefData> = fc
  .tuple(fc.array(arbEvent, { maxLength: 30 }), fc.boolean())
  .map(([events, merged]) => ({
    projectId: 'p1',
    events: events.map((e, i) => ({
      uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event: e.event,
      distinctId: `d${e.person}`,
      personId: P(e.person),
      timestamp: NOW - e.daysAgo * DAY,
      properties: e.amount === undefined ? {} : { amount: e.amount },
    })),
    overrides: merged ? [{ oldPersonId: P(11), personId: P(0) }] : [],
  }));

const scores = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => ({
    id: r['id'],
    last: Number(r['last']),
    frequency: Number(r['frequency']),
    monetary: Number(r['monetary']),
    r: Number(r['r']),
    f: Number(r['f']),
    m: Number(r['m']),
  }));

describe('RFM scores: engine vs reference on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agrees on scores, ties included', async () => {
    await fc.assert(
      fc.asyncProperty(arbData, async (data) => {
        await db.load(data);
        const rows = await db.execute(rfmScoresQuery('p1', NOW, config));
        assert.deepEqual(scores(rows), referenceRfm(data, NOW, config));
      }),
      { numRuns: 60 },
    );
  });

  it('splits like ntile and names tiers', () => {
    assert.deepEqual(
      Array.from({ length: 7 }, (_, i) => ntile(i, 7, 5)),
      [1, 1, 2, 2, 3, 4, 5],
    );
    assert.deepEqual(
      Array.from({ length: 3 }, (_, i) => ntile(i, 3, 5)),
      [1, 2, 3],
    );
    assert.equal(tierOf(5, 5), 'champions');
    assert.equal(tierOf(3, 4), 'loyal');
    assert.equal(tierOf(5, 1), 'new');
    assert.equal(tierOf(3, 2), 'potential');
    assert.equal(tierOf(1, 5), 'at_risk');
    assert.equal(tierOf(2, 1), 'hibernating');
    assert.equal(tierOf(1, 1), 'lost');
  });
});

/** Data drawn once and loaded together (ClickHouse inserts are slow), each under its own project. */
describe('RFM scores: engine vs reference on ClickHouse', { skip: clickhouseSkipReason() }, () => {
  const pool = fc.sample(arbData, { numRuns: 20, seed: 5 });
  const loaded = useClickHouseWorlds(() => pool);

  it('agrees on scores, ties included', async () => {
    for (const [i, data] of pool.entries()) {
      const rows = await loaded().worlds.execute(
        rfmScoresQuery(loaded().projects[i] ?? '', NOW, config, { dialect: 'clickhouse' }),
      );
      assert.deepEqual(scores(rows), referenceRfm(data, NOW, config), JSON.stringify(data));
    }
  });
});

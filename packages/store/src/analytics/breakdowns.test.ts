import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { referenceRetentionBreakdown } from '@opsloop/engine/reference/index';
import { AnalyticsQuery } from '@opsloop/schema';
import fc from 'fast-check';
import { runAnalyticsQuery } from './run-query.js';
import {
  arbEventFilter,
  arbRange,
  arbWorld,
  compactionOf,
  dataOf,
  NAMES,
  NOW,
} from './testing/arb-world.js';
import { MemoryDuckDb, type TestEvent } from './testing/memory-duckdb.js';

const arbBreakdown = fc.constantFrom(
  { on: 'event' as const, property: 'plan' },
  { on: 'event' as const, property: 'n' },
  { on: 'person' as const, property: 'tier' },
);

describe('breakdowns on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('retention by breakdown agrees with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.constantFrom(...NAMES),
        fc.constantFrom(...NAMES),
        fc.constantFrom('day', 'week', 'month'),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('first_time', 'recurring'),
        arbBreakdown,
        arbEventFilter,
        async (w, dateRange, start, ret, period, periods, retentionType, breakdown, filters) => {
          const q = AnalyticsQuery.parse({
            kind: 'retention',
            dateRange,
            startEvent: { event: start },
            returnEvent: { event: ret },
            period,
            periods,
            retentionType,
            breakdown,
            filters,
          });
          if (q.kind !== 'retention') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data, compactionOf(w));
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          assert.deepEqual(
            await runAnalyticsQuery(db, q, ctx),
            referenceRetentionBreakdown(data, q, ctx),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('retention by the first start event’s property, hand-computed', async () => {
    const P = [1, 2, 3].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
    let n = 0;
    const ev = (event: string, p: number, iso: string, source?: string): TestEvent => ({
      uuid: `80000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      event,
      distinctId: `d${p}`,
      personId: P[p] ?? '',
      timestamp: Date.parse(iso),
      properties: source ? { source } : {},
    });
    await db.load({
      projectId: 'p1',
      events: [
        // P0 signs up from ads (first) then again from mail: counted under ads; returns next day.
        ev('signup', 0, '2024-03-01T08:00:00Z', 'ads'),
        ev('signup', 0, '2024-03-01T09:00:00Z', 'mail'),
        ev('open', 0, '2024-03-02T09:00:00Z'),
        // P1 from mail on day 2, never returns.
        ev('signup', 1, '2024-03-02T10:00:00Z', 'mail'),
        // P2 from ads on day 1, returns on day 3.
        ev('signup', 2, '2024-03-01T23:00:00Z', 'ads'),
        ev('open', 2, '2024-03-03T01:00:00Z'),
      ],
    });
    const q = AnalyticsQuery.parse({
      kind: 'retention',
      dateRange: { from: '2024-03-01', to: '2024-03-02' },
      startEvent: { event: 'signup' },
      returnEvent: { event: 'open' },
      periods: 3,
      breakdown: { on: 'event', property: 'source' },
    });
    const ctx = { projectId: 'p1', timezone: 'UTC', now: NOW };
    assert.deepEqual(await runAnalyticsQuery(db, q, ctx), {
      cohorts: [
        { date: '2024-03-01', breakdownValue: 'ads', size: 2, values: [2, 1, 1] },
        { date: '2024-03-02', breakdownValue: 'ads', size: 0, values: [0, 0, 0] },
        { date: '2024-03-01', breakdownValue: 'mail', size: 0, values: [0, 0, 0] },
        { date: '2024-03-02', breakdownValue: 'mail', size: 1, values: [1, 0, 0] },
      ],
    });
  });
});

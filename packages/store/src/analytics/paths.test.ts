import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { referencePaths } from '@opsloop/engine/reference/index';
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

describe('paths on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.constantFrom(...NAMES),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.record({
          value: fc.integer({ min: 1, max: 3 }),
          unit: fc.constantFrom('hour', 'day', 'week'),
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        arbEventFilter,
        fc.array(fc.tuple(fc.nat(13), fc.constantFrom(...NAMES)), { maxLength: 4 }),
        async (
          w,
          dateRange,
          event,
          forward,
          steps,
          window,
          collapseRepeats,
          limit,
          filters,
          twins,
        ) => {
          const q = AnalyticsQuery.parse({
            kind: 'paths',
            dateRange,
            ...(forward ? { start: { event } } : { end: { event } }),
            steps,
            window,
            collapseRepeats,
            limit,
            filters,
          });
          if (q.kind !== 'paths') throw new Error('parse');
          // Twins: another event of the same person at the same instant (order by uuid).
          const world = dataOf(w);
          const extra = twins.flatMap(([i, name], k) => {
            const e = world.events[i];
            return e
              ? [{ ...e, event: name, uuid: `70000000-0000-4000-8000-00000000000${k}` }]
              : [];
          });
          const data = { ...world, events: [...extra, ...world.events] };
          await db.load(data, compactionOf(w));
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          assert.deepEqual(await runAnalyticsQuery(db, q, ctx), referencePaths(data, q, ctx));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('after and before a signup, hand-computed', async () => {
    const P = [1, 2, 3].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
    let n = 0;
    const ev = (event: string, p: number, iso: string): TestEvent => ({
      uuid: `60000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      event,
      distinctId: `d${p}`,
      personId: P[p] ?? '',
      timestamp: Date.parse(iso),
    });
    await db.load({
      projectId: 'p1',
      events: [
        ev('home', 0, '2024-03-05T09:00:00Z'),
        ev('signup', 0, '2024-03-05T10:00:00Z'),
        ev('view', 0, '2024-03-05T10:01:00Z'),
        ev('view', 0, '2024-03-05T10:02:00Z'),
        ev('buy', 0, '2024-03-05T10:03:00Z'),
        ev('home', 1, '2024-03-06T09:00:00Z'),
        ev('signup', 1, '2024-03-06T10:00:00Z'),
        ev('view', 1, '2024-03-06T10:05:00Z'),
        // Two days later: outside the one-day window.
        ev('buy', 1, '2024-03-08T10:05:00Z'),
        ev('signup', 2, '2024-03-07T10:00:00Z'),
      ],
    });
    const ctx = { projectId: 'p1', timezone: 'UTC', now: NOW };
    const run = (q: object) =>
      runAnalyticsQuery(
        db,
        AnalyticsQuery.parse({
          kind: 'paths',
          dateRange: { from: '2024-03-01', to: '2024-03-31' },
          ...q,
        }),
        ctx,
      );
    assert.deepEqual(await run({ start: { event: 'signup' }, steps: 2 }), {
      nodes: [
        { id: '0:signup', step: 0, event: 'signup', count: 3 },
        { id: '1:view', step: 1, event: 'view', count: 2 },
        { id: '2:buy', step: 2, event: 'buy', count: 1 },
      ],
      links: [
        { source: '0:signup', target: '1:view', count: 2 },
        { source: '1:view', target: '2:buy', count: 1 },
      ],
    });
    assert.deepEqual(await run({ end: { event: 'signup' }, steps: 1, direction: 'before' }), {
      nodes: [
        { id: '0:signup', step: 0, event: 'signup', count: 3 },
        { id: '1:home', step: 1, event: 'home', count: 2 },
      ],
      links: [{ source: '0:signup', target: '1:home', count: 2 }],
    });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileQuery } from '@opsloop/engine';
import { referenceLifecycle } from '@opsloop/engine/reference/index';
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
import { handData } from './testing/hand-data.js';
import { MemoryDuckDb, type TestEvent } from './testing/memory-duckdb.js';

describe('lifecycle on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agrees with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.constantFrom(...NAMES),
        fc.constantFrom('day', 'week', 'month'),
        arbEventFilter,
        async (w, dateRange, event, interval, filters) => {
          const q = AnalyticsQuery.parse({
            kind: 'lifecycle',
            dateRange,
            event,
            interval,
            filters,
          });
          if (q.kind !== 'lifecycle') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data, compactionOf(w));
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          assert.deepEqual(await runAnalyticsQuery(db, q, ctx), referenceLifecycle(data, q, ctx));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('by day in New York across the spring-forward night', async () => {
    const P = [1, 2, 3, 4].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
    let n = 0;
    const ev = (p: number, iso: string): TestEvent => ({
      uuid: `50000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      event: 'open',
      distinctId: `d${p}`,
      personId: P[p] ?? '',
      timestamp: Date.parse(iso),
    });
    await db.load({
      projectId: 'p1',
      events: [
        // 03-09: P0 (first ever), P1 (came back: active on 03-01 too).
        ev(1, '2024-03-01T15:00:00Z'),
        ev(0, '2024-03-09T15:00:00Z'),
        ev(1, '2024-03-09T15:00:00Z'),
        // 03-10 (23 hours long): P0 returns; 23:30 local is 03:30Z on 03-11.
        ev(0, '2024-03-11T03:30:00Z'),
        // 03-11: P2 is new at 00:30 local (04:30Z); P0 went dormant; P1 resurrects;
        ev(2, '2024-03-11T04:30:00Z'),
        ev(1, '2024-03-11T20:00:00Z'),
        // P3 was merged into P2 after the event: still P2, not a new person.
        ev(3, '2024-03-11T21:00:00Z'),
      ],
      overrides: [{ oldPersonId: P[3] ?? '', personId: P[2] ?? '' }],
    });
    const q = AnalyticsQuery.parse({
      kind: 'lifecycle',
      event: 'open',
      interval: 'day',
      dateRange: { from: '2024-03-09', to: '2024-03-11' },
    });
    const ctx = { projectId: 'p1', timezone: 'America/New_York', now: NOW };
    assert.deepEqual(await runAnalyticsQuery(db, q, ctx), {
      intervals: [
        { date: '2024-03-09', new: 1, returning: 0, resurrecting: 1, dormant: 0 },
        { date: '2024-03-10', new: 0, returning: 1, resurrecting: 0, dormant: -1 },
        { date: '2024-03-11', new: 1, returning: 0, resurrecting: 1, dormant: -1 },
      ],
    });
  });

  it('agrees with the reference over a year, by day (the joins plan) and by week and month (masks)', async () => {
    const from = Date.parse('2023-03-01T00:00:00Z');
    const span = Date.parse('2024-03-31T00:00:00Z') - from;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            person: fc.nat(4),
            // Positions across the range and a stretch of history before it.
            at: fc.integer({ min: -1_500, max: 10_000 }).map((n) => n / 10_000),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.constantFrom('day', 'week', 'month'),
        fc.constantFrom('UTC', 'America/New_York'),
        fc.boolean(),
        async (picks, interval, tz, merged) => {
          const data = handData(
            picks.map((p) => ({
              person: p.person,
              event: 'open',
              ts: Math.round(from + p.at * span),
            })),
            merged ? [[0, 1]] : [],
          );
          await db.load(data);
          const q = AnalyticsQuery.parse({
            kind: 'lifecycle',
            event: 'open',
            interval,
            dateRange: { from: '2023-03-01', to: '2024-03-31' },
          });
          if (q.kind !== 'lifecycle') throw new Error('parse');
          const ctx = { projectId: 'p1', timezone: tz, now: NOW };
          // 400 days need seven mask words: by day the query takes the joins instead.
          const { compiled } = compileQuery(q, { ...ctx, dialect: 'duckdb' });
          assert.equal(compiled.sql.includes('bit_or('), interval !== 'day');
          assert.deepEqual(await runAnalyticsQuery(db, q, ctx), referenceLifecycle(data, q, ctx));
        },
      ),
      { numRuns: 45 },
    );
  });
});

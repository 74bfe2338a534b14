import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  referenceFunnel,
  referenceRetention,
  referenceStickiness,
  referenceTrends,
} from '@opsloop/engine/reference/index';
import { AnalyticsQuery, type Filter } from '@opsloop/schema';
import fc from 'fast-check';
import { runAnalyticsQuery } from './run-query.js';
import { arbRange, arbWorld, canon, dataOf, NAMES, NOW } from './testing/arb-world.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

const arbFilter: fc.Arbitrary<Filter | undefined> = fc.constantFrom<Filter | undefined>(
  undefined,
  { property: 'plan', on: 'event', op: 'eq', value: 'pro' },
  { property: 'n', on: 'event', op: 'gte', value: 2 },
  { property: 'plan', on: 'event', op: 'is_not_set' },
  { property: 'tier', on: 'person', op: 'neq', value: 'x' },
  {
    or: [
      { property: 'plan', on: 'event', op: 'in', value: ['free'] },
      { property: 'n', on: 'event', op: 'lt', value: 0 },
    ],
  },
  { performed: 'b', within: { days: 40 }, times: { op: 'gte', value: 2 } },
  { notPerformed: 'c', within: { days: 40 } },
);
const arbBreakdown = fc.constantFrom(
  undefined,
  { on: 'event' as const, property: 'plan' },
  { on: 'person' as const, property: 'tier' },
);

const sortSeries = (r: {
  series: { seriesIndex: number; period: string; breakdownValue: string | null }[];
}) =>
  [...r.series].sort(
    (a, b) =>
      a.seriesIndex - b.seriesIndex ||
      a.period.localeCompare(b.period) ||
      String(a.breakdownValue).localeCompare(String(b.breakdownValue)),
  );
const sortGroups = (r: object) =>
  'groups' in r && Array.isArray(r.groups)
    ? [...r.groups].sort((a, b) => String(a.breakdownValue).localeCompare(String(b.breakdownValue)))
    : r;

describe('analytics engine on DuckDB agrees with the reference', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('trends', async () => {
    const arbSeries = fc.record({
      event: fc.constantFrom(...NAMES),
      math: fc.constantFrom(
        'total',
        'unique_persons',
        'sum',
        'avg',
        'min',
        'max',
        'median',
        'p90',
        'dau',
        'wau',
        'mau',
      ),
      filters: arbFilter,
    });
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.array(arbSeries, { minLength: 1, maxLength: 2 }),
        fc.constantFrom('hour', 'day', 'week', 'month'),
        fc.boolean(),
        arbBreakdown,
        arbFilter,
        async (w, dateRange, series, interval, compare, breakdown, filters) => {
          const q = AnalyticsQuery.parse({
            kind: 'trends',
            dateRange,
            series: series.map((s) => ({ ...s, property: 'n' })),
            interval,
            compare,
            breakdown,
            filters,
          });
          if (q.kind !== 'trends') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data);
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          const got = await runAnalyticsQuery(db, q, ctx);
          const want = referenceTrends(data, q, ctx);
          assert.ok('series' in got);
          assert.deepEqual(canon(sortSeries(got)), canon(sortSeries(want)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('funnels', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.array(
          fc.record({
            event: fc.constantFrom(...NAMES),
            filters: fc.constantFrom(undefined, {
              property: 'plan',
              on: 'event' as const,
              op: 'neq' as const,
              value: 'free',
            }),
          }),
          { minLength: 2, maxLength: 4 },
        ),
        fc.record({
          value: fc.integer({ min: 1, max: 3 }),
          unit: fc.constantFrom('hour', 'day', 'week'),
        }),
        fc.constantFrom('ordered', 'strict', 'unordered'),
        fc.boolean(),
        arbBreakdown,
        arbFilter,
        async (w, dateRange, steps, window, order, exclude, breakdown, filters) => {
          const exclusions = exclude ? [{ event: 'c', betweenSteps: [1, 2] }] : [];
          const q = AnalyticsQuery.parse({
            kind: 'funnel',
            dateRange,
            steps,
            window,
            order,
            exclusions,
            breakdown,
            filters,
          });
          if (q.kind !== 'funnel') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data);
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          const got = await runAnalyticsQuery(db, q, ctx);
          const want = referenceFunnel(data, q, ctx);
          assert.deepEqual(canon(sortGroups(got)), canon(sortGroups(want)));
          // The same funnel shaped from row objects (stores that cannot stream chunks).
          const rowsOnly = { dialect: db.dialect, execute: db.execute.bind(db) };
          const viaRows = await runAnalyticsQuery(rowsOnly, q, ctx);
          assert.deepEqual(canon(sortGroups(viaRows)), canon(sortGroups(want)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('retention', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.constantFrom(...NAMES),
        fc.constantFrom(...NAMES),
        fc.constantFrom('day', 'week', 'month'),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('first_time', 'recurring'),
        arbFilter,
        async (w, dateRange, start, ret, period, periods, retentionType, filters) => {
          const q = AnalyticsQuery.parse({
            kind: 'retention',
            dateRange,
            startEvent: { event: start },
            returnEvent: { event: ret },
            period,
            periods,
            retentionType,
            filters,
          });
          if (q.kind !== 'retention') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data);
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          assert.deepEqual(await runAnalyticsQuery(db, q, ctx), referenceRetention(data, q, ctx));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stickiness', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbRange,
        fc.constantFrom(...NAMES),
        fc.constantFrom('day', 'week', 'month'),
        arbFilter,
        async (w, dateRange, event, interval, filters) => {
          const q = AnalyticsQuery.parse({
            kind: 'stickiness',
            dateRange,
            event,
            interval,
            filters,
          });
          if (q.kind !== 'stickiness') throw new Error('parse');
          const data = dataOf(w);
          await db.load(data);
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW };
          assert.deepEqual(await runAnalyticsQuery(db, q, ctx), referenceStickiness(data, q, ctx));
        },
      ),
      { numRuns: 50 },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileQuery } from '@opsloop/engine';
import { referenceTrends } from '@opsloop/engine/reference/index';
import { AnalyticsQuery } from '@opsloop/schema';
import fc from 'fast-check';
import { runAnalyticsQuery } from './run-query.js';
import { canon } from './testing/arb-world.js';
import { handData } from './testing/hand-data.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// Unique-persons trends count distinct persons per bucket from one bit mask of
// buckets per person (63 per word). The general suite's short ranges keep to
// one word and rarely see a second month; here every interval spans several
// words or months, crossing DST changes, with merges and a breakdown.
const RANGES = {
  hour: { from: '2024-03-08', to: '2024-03-13' }, // 144 hours: three words; New York and Lord Howe change
  day: { from: '2024-01-15', to: '2024-05-20' }, // 127 days: three words
  week: { from: '2022-06-01', to: '2024-06-30' }, // 109 weeks: two words
  month: { from: '2022-01-01', to: '2024-12-31' }, // 36 months
  // 600 hours: past the eight words masks may take, so counted per (bucket, person) instead.
  hours: { from: '2024-03-01', to: '2024-03-25' },
} as const;
const NOW = Date.parse('2025-01-10T00:00:00Z');

describe('unique-persons trends by bucket masks vs the reference (DuckDB)', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agrees over ranges of many buckets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('hour', 'day', 'week', 'month', 'hours'),
        fc.constantFrom('UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'),
        // Positions in the range (0..1, a little either side), so every interval gets events.
        fc.array(
          fc.record({
            person: fc.nat(5),
            event: fc.constantFrom('a', 'b'),
            // Integers, since fast-check's doubles crowd the ends of their range.
            at: fc.integer({ min: -500, max: 10_500 }).map((n) => n / 10_000),
            plan: fc.constantFrom('free', 'pro', undefined),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (key, tz, picks, merged, compare, breakdown) => {
          const range = RANGES[key];
          const interval = key === 'hours' ? 'hour' : key;
          const from = Date.parse(`${range.from}T00:00:00Z`);
          const span = Date.parse(`${range.to}T00:00:00Z`) - from;
          const data = handData(
            picks.map((p) => ({
              person: p.person,
              event: p.event,
              ts: Math.round(from + p.at * span),
              properties: p.plan === undefined ? {} : { plan: p.plan },
            })),
            merged
              ? [
                  [0, 3],
                  [1, 3],
                ]
              : [],
          );
          await db.load(data);
          const q = AnalyticsQuery.parse({
            kind: 'trends',
            dateRange: range,
            series: [{ event: 'a', math: 'unique_persons' }],
            interval,
            compare,
            breakdown: breakdown ? { on: 'event', property: 'plan' } : undefined,
          });
          if (q.kind !== 'trends') throw new Error('parse');
          const ctx = { projectId: 'p1', timezone: tz, now: NOW };
          // The query takes the mask path, except past its limit.
          const { compiled } = compileQuery(q, { ...ctx, dialect: 'duckdb' });
          assert.equal(compiled.sql.includes('bit_or('), key !== 'hours');
          const got = await runAnalyticsQuery(db, q, ctx);
          const want = referenceTrends(data, q, ctx);
          const sort = (r: typeof want) =>
            [...r.series].sort(
              (a, b) =>
                a.period.localeCompare(b.period) ||
                String(a.breakdownValue).localeCompare(String(b.breakdownValue)),
            );
          assert.ok('series' in got);
          assert.deepEqual(canon(sort(got)), canon(sort(want)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

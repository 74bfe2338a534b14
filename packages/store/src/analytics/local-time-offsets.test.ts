import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DuckDbCompiler,
  EpochMsNode,
  LocalTimeNode,
  sql,
  TimeBucketNode,
  text,
} from '@opsloop/engine';
import { toLocalNaive } from '@opsloop/engine/time/zoned';
import fc from 'fast-check';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// A LocalTimeNode told the range a query reads shifts instants by the zone's
// offsets, precomputed from the runtime's zone data (as date ranges and the
// reference implementation read them), instead of converting each through
// DuckDB's ICU. Inside the range (every quarter hour, and a millisecond either
// side, so each DST change is crossed) it must give the runtime's wall clock;
// outside, exactly what ICU gives. The two zone databases can differ: DuckDB
// 1.5's ICU still predicts a DST change in Casablanca on 2026-09-20 that
// newer zone data dropped.
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // 30-minute DST
  'Pacific/Chatham', // +12:45 / +13:45
  'Asia/Kolkata',
  'America/Sao_Paulo', // DST until 2019
  'Africa/Casablanca', // offset changes around Ramadan
  'America/St_Johns',
  'Asia/Shanghai',
] as const;
const QUARTER_HOUR = 900_000;
const DAY = 86_400_000;

describe('local time from precomputed zone offsets (DuckDB)', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('equals ICU conversion for every instant, inside and outside the range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2014, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 1, max: 90 * DAY }),
        fc.array(fc.integer({ min: -2 * 365 * DAY, max: 2 * 365 * DAY }), { maxLength: 50 }),
        async (zone, fromMs, length, outside) => {
          const start = Math.floor(fromMs / QUARTER_HOUR) * QUARTER_HOUR;
          const toMs = fromMs + length;
          const instants: number[] = [fromMs, toMs - 1, toMs, fromMs - 1];
          for (let t = start; t <= toMs; t += QUARTER_HOUR) instants.push(t - 1, t, t + 1);
          for (const o of outside) instants.push(fromMs + o);
          const ts = text('t.ts');
          const fast = EpochMsNode.create(LocalTimeNode.create(ts, zone, { fromMs, toMs }));
          // The same as a TIMESTAMP (shifted microseconds), read back as ms by hand.
          const stamp = sql`epoch_ms(${LocalTimeNode.create(ts, zone, { fromMs, toMs })})`;
          const slow = EpochMsNode.create(LocalTimeNode.create(ts, zone));
          const query = new DuckDbCompiler().compile(
            sql`SELECT t.ms AS ms, ${fast} AS fast, ${stamp} AS stamp, ${slow} AS slow FROM (SELECT ms, (TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(ms)) AS ts FROM unnest(${text(`[${instants.join(',')}]::BIGINT[]`)}) u(ms)) t ORDER BY ms`,
          );
          const rows = await db.execute<{ ms: number; fast: number; stamp: number; slow: number }>(
            query,
          );
          assert.equal(rows.length, instants.length);
          for (const r of rows) {
            const inside = r.ms >= fromMs && r.ms < toMs;
            const expected = inside ? toLocalNaive(r.ms, zone) : r.slow;
            assert.equal(r.fast, expected, `${zone} at ${r.ms} (${inside ? 'inside' : 'outside'})`);
            assert.equal(r.stamp, expected, `${zone} at ${r.ms} as a timestamp`);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('starts hour, day and week buckets by arithmetic inside the range, as the zone database would', async () => {
    const WIDTH = { hour: 3_600_000, day: DAY, week: 7 * DAY } as const;
    const MONDAY = 4 * DAY; // 1970-01-05
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const),
        fc.integer({ min: Date.UTC(2014, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 1, max: 60 * DAY }),
        fc.array(fc.integer({ min: -365 * DAY, max: 365 * DAY }), { maxLength: 30 }),
        async (zone, unit, fromMs, length, outside) => {
          const toMs = fromMs + length;
          const instants: number[] = [fromMs, toMs - 1, toMs, fromMs - 1];
          const start = Math.floor(fromMs / QUARTER_HOUR) * QUARTER_HOUR;
          for (let t = start; t <= toMs; t += 4 * QUARTER_HOUR) instants.push(t - 1, t, t + 1);
          for (const o of outside) instants.push(fromMs + o);
          const ts = text('t.ts');
          const bucket = (range?: { fromMs: number; toMs: number }) =>
            EpochMsNode.create(TimeBucketNode.create(unit, LocalTimeNode.create(ts, zone, range)));
          const query = new DuckDbCompiler().compile(
            sql`SELECT t.ms AS ms, ${bucket({ fromMs, toMs })} AS fast, ${bucket()} AS slow FROM (SELECT ms, (TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(ms)) AS ts FROM unnest(${text(`[${instants.join(',')}]::BIGINT[]`)}) u(ms)) t ORDER BY ms`,
          );
          assert.match(query.sql, / \/\/ /, 'arithmetic inside the range');
          for (const r of await db.execute<{ ms: number; fast: number; slow: number }>(query)) {
            const inside = r.ms >= fromMs && r.ms < toMs;
            const local = toLocalNaive(r.ms, zone);
            const origin = unit === 'week' ? MONDAY : 0;
            const expected = inside
              ? Math.floor((local - origin) / WIDTH[unit]) * WIDTH[unit] + origin
              : r.slow;
            assert.equal(
              r.fast,
              expected,
              `${zone} ${unit} at ${r.ms} (${inside ? 'inside' : 'outside'})`,
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shifts by the zone offset inside the range, with no zone lookup per row', () => {
    const fromMs = Date.UTC(2024, 2, 25);
    const toMs = Date.UTC(2024, 3, 5);
    const node = LocalTimeNode.create(text('x'), 'Europe/London', { fromMs, toMs });
    const { sql: text_ } = new DuckDbCompiler().compile(node);
    // One change (01:00 UTC on 31 March), offsets in microseconds.
    assert.match(
      text_,
      /THEN make_timestamp\(epoch_us\(x\) \+ CASE WHEN epoch_us\(x\) >= 1711846800000000 THEN 3600000000 ELSE 0 END\) ELSE timezone\('Europe\/London', x\) END$/,
    );
    // A range too long to precompute converts every row.
    const long = LocalTimeNode.create(text('x'), 'Europe/London', {
      fromMs: 0,
      toMs: Date.UTC(2024, 0, 1),
    });
    assert.equal(new DuckDbCompiler().compile(long).sql, "timezone('Europe/London', x)");
  });
});

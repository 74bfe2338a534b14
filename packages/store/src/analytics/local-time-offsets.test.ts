import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDbCompiler, EpochMsNode, LocalTimeNode, sql, text } from '@opsloop/engine';
import fc from 'fast-check';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// A LocalTimeNode told the range a query reads shifts instants by the zone's
// precomputed offsets instead of converting each through ICU. Both spellings
// must give the same wall clock for every instant, inside the range (every
// quarter hour, and a millisecond either side, so each DST change is crossed)
// and outside it (where the node falls back to ICU).
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
        fc.integer({ min: 1, max: 400 * DAY }),
        fc.array(fc.integer({ min: -2 * 365 * DAY, max: 2 * 365 * DAY }), { maxLength: 50 }),
        async (zone, fromMs, length, outside) => {
          const start = Math.floor(fromMs / QUARTER_HOUR) * QUARTER_HOUR;
          const toMs = fromMs + length;
          const instants: number[] = [fromMs, toMs - 1, toMs, fromMs - 1];
          for (let t = start; t <= toMs; t += QUARTER_HOUR) instants.push(t - 1, t, t + 1);
          for (const o of outside) instants.push(fromMs + o);
          const ts = text('t.ts');
          const fast = EpochMsNode.create(LocalTimeNode.create(ts, zone, { fromMs, toMs }));
          const slow = EpochMsNode.create(LocalTimeNode.create(ts, zone));
          const query = new DuckDbCompiler().compile(
            sql`SELECT count(*) AS n, count(*) FILTER (WHERE ${fast} IS DISTINCT FROM ${slow}) AS wrong, min(t.ms) FILTER (WHERE ${fast} IS DISTINCT FROM ${slow}) AS first_wrong FROM (SELECT ms, (TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(ms)) AS ts FROM unnest(${text(`[${instants.join(',')}]::BIGINT[]`)}) u(ms)) t`,
          );
          const [row] = await db.execute<{ n: number; wrong: number; first_wrong: unknown }>(
            query,
          );
          assert.equal(row?.n, instants.length);
          assert.equal(row?.wrong, 0, `${zone}: first differing instant ${row?.first_wrong}`);
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

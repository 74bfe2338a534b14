import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDbCompiler, sql, text } from '@opsloop/engine';
import { cutSlots } from '@opsloop/engine/plan/slot-masks';
import fc from 'fast-check';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// Slots between cut points, as a day grid (few times of day) or a comparison
// tree (many): a value in [cuts[j], cuts[j+1]) must land in a slot from
// slotIndex(cuts[j]) up to, not including, slotIndex(cuts[j+1]); values before
// the first cut get a negative slot, values from the last cut on any slot from
// the last cut's; slots never decrease with the value.
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);

describe('slots between cut points (DuckDB)', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  async function slotsOf(layout: NonNullable<ReturnType<typeof cutSlots>>, values: number[]) {
    const query = new DuckDbCompiler().compile(
      sql`SELECT ms, ${layout.slotOf(text('ms'))} AS slot FROM unnest(${text(`[${values.join(',')}]::BIGINT[]`)}) u(ms) ORDER BY ms`,
    );
    return db.execute<{ ms: number; slot: number }>(query);
  }

  const arbCuts = fc.oneof(
    // Whole days at one time of day, and a few cuts anywhere (past eight, the tree).
    fc
      .tuple(
        fc.integer({ min: 0, max: DAY - 1 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 61 * DAY }), { maxLength: 10 }),
      )
      .map(([time, days, anywhere]) => {
        const cuts = [...days.map((d) => T0 + time + d * DAY), ...anywhere.map((x) => T0 + x)];
        return [...new Set(cuts)].sort((a, b) => a - b);
      }),
    // Anywhere, ten or more: more than eight cuts off any grid, so the tree
    // (fewer are drawn above, with the grid's).
    fc
      .uniqueArray(fc.integer({ min: 0, max: 60 * DAY }), { minLength: 10, maxLength: 40 })
      .map((xs) => xs.map((x) => x + T0).sort((a, b) => a - b)),
  );

  it('puts every value in a slot of its cut interval, for grids and trees', async () => {
    let grids = 0;
    let trees = 0;
    await fc.assert(
      fc.asyncProperty(
        arbCuts,
        fc.array(fc.integer({ min: -2 * DAY, max: 62 * DAY }), { maxLength: 40 }),
        async (cuts, offsets) => {
          const layout = cutSlots(cuts, 10_000);
          assert.ok(layout);
          if (/THEN CASE/.test(new DuckDbCompiler().compile(layout.slotOf(text('ms'))).sql))
            trees++;
          else grids++;
          const values = [
            ...cuts,
            ...cuts.map((c) => c - 1),
            ...cuts.map((c) => c + 1),
            ...offsets.map((o) => T0 + o),
          ];
          const rows = await slotsOf(layout, values);
          let previous = Number.NEGATIVE_INFINITY;
          for (const { ms, slot } of rows) {
            assert.ok(slot >= previous, `slots decrease at ${ms}`);
            previous = slot;
            const j = cuts.findLastIndex((c) => c <= ms);
            if (j < 0) {
              assert.ok(slot < 0, `${ms} is before the first cut`);
              continue;
            }
            const lo = layout.slotIndex(cuts[j] ?? 0);
            const next = cuts[j + 1];
            assert.ok(slot >= lo, `${ms}: slot ${slot} before its interval's first slot ${lo}`);
            if (next !== undefined)
              assert.ok(slot < layout.slotIndex(next), `${ms}: slot ${slot} past its interval`);
          }
        },
      ),
      { numRuns: 150 },
    );
    assert.ok(grids > 20 && trees > 20, `both layouts tried (${grids} grids, ${trees} trees)`);
  });

  it('uses the day grid for whole days at one time of day and a few cuts off it, else the tree', () => {
    const days = Array.from({ length: 40 }, (_, d) => T0 + d * DAY);
    const grid = cutSlots(days, 504);
    assert.equal(grid?.slots, 40);
    assert.equal(grid?.slotIndex(T0 + 7 * DAY), 7);
    assert.doesNotMatch(
      new DuckDbCompiler().compile(grid?.slotOf(text('x')) ?? text('')).sql,
      /CASE WHEN x >= \d+::BIGINT THEN CASE/,
    );
    // An instant at 13:17 and its thresholds whole days before: four cuts off the grid.
    const off = [
      T0 + 13 * DAY + 47_825_123,
      T0 + 20 * DAY + 47_825_123,
      T0 + 27 * DAY + 47_825_123,
    ];
    const refined = cutSlots(
      [...days, ...off].sort((a, b) => a - b),
      504,
    );
    assert.equal(refined?.slots, 43);
    assert.equal(refined?.slotIndex(off[1] ?? 0), 22);
    // Many times of day: the tree.
    const sparse = Array.from({ length: 200 }, (_, d) => T0 + d * 5 * DAY + (d % 2) * 3_600_000);
    const tree = cutSlots(sparse, 504);
    assert.equal(tree?.slots, 200);
    assert.equal(
      cutSlots(
        Array.from({ length: 600 }, (_, i) => T0 + i * 7_000_001),
        504,
      ),
      null,
    );
  });
});

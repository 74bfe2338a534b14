import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type FunnelRows,
  FunnelShard,
  type FunnelShardConfig,
  mergeTallies,
} from './funnel-shard.js';
import { PersonOrderError, PersonRunFold } from './person-runs.js';
import { canon } from './testing/canon.js';

type Row = { person: number; t: number; s: number; x: number; g: number };

/** Person p's UUID words: distinct, the high word's sign varying. */
const wordsOf = (p: number) => [p * 3, 9, 0, p % 2 === 1 ? -1 : 1];
/** Persons 1–4 are in the sorted part, numbered as themselves; 5 and 6 only arrived since. */
const numberOf = (p: number) => (p <= 4 ? p : 0);

const events = (rows: readonly Row[]) => ({
  t: Float64Array.from(rows.map((r) => r.t)),
  s: Int32Array.from(rows.map((r) => r.s)),
  x: Int32Array.from(rows.map((r) => r.x)),
  g: Int32Array.from(rows.map((r) => r.g)),
});
const columns = (rows: readonly Row[]): FunnelRows => ({
  words: Int32Array.from(rows.flatMap((r) => wordsOf(r.person))),
  ...events(rows),
});
const runRows = (rows: readonly Row[]) => ({
  idx: Int32Array.from(rows.map((r) => numberOf(r.person))),
  ...events(rows),
});

/** The recent part's order: by number, then those without one by UUID (DuckDB's order). */
const recentOrder = (a: Row, b: Row) => {
  const [x, y] = [numberOf(a.person), numberOf(b.person)];
  if ((x === 0) !== (y === 0)) return x === 0 ? 1 : -1;
  if (x !== y) return x - y;
  const [wa, wb] = [wordsOf(a.person), wordsOf(b.person)];
  for (const k of [3, 2, 1, 0]) {
    const u = k === 3 ? (wa[k] ?? 0) : (wa[k] ?? 0) >>> 0;
    const v = k === 3 ? (wb[k] ?? 0) : (wb[k] ?? 0) >>> 0;
    if (u !== v) return u - v;
  }
  return 0;
};

/** One step per event (see the note at `arbRows`). */
const arbRow = (persons: fc.Arbitrary<number>) =>
  fc.record({
    person: persons,
    t: fc.nat(40),
    s: fc.constantFrom(0, 1, 2, 4),
    x: fc.nat(1),
    g: fc.nat(2),
  });
// One step per event: with an event matching several steps at a tied time, the
// per-person pass reports step times that depend on the events' order (levels
// do not), and the two passes here see a person's events in different orders.
const arbRows = (persons: fc.Arbitrary<number>) =>
  fc.array(arbRow(persons), { maxLength: 200, size: 'large' });

const arbConfig: fc.Arbitrary<FunnelShardConfig> = fc
  .record({
    spec: fc.record({
      stepCount: fc.constant(3),
      windowMs: fc.integer({ min: 1, max: 40 }),
      order: fc.constantFrom('ordered' as const, 'strict' as const, 'unordered' as const),
      exclusions: fc.constantFrom([], [{ a: 0, b: 1 }]),
    }),
    grouped: fc.boolean(),
    windows: fc.array(
      fc.tuple(fc.nat(20), fc.nat(30), fc.nat(30)).map(([from, length, starts]) => ({
        from,
        to: from + length,
        startsBefore: from + starts,
      })),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map((c) => ({ ...c, attributed: c.grouped }));

describe('person runs', () => {
  it('tally as the grouping pass does, recent rows merged in, merged persons grouped', async () => {
    const values = [null, 'a', 'b'];
    await fc.assert(
      fc.asyncProperty(
        arbRows(fc.integer({ min: 1, max: 4 })),
        arbRows(fc.integer({ min: 1, max: 6 })),
        arbConfig,
        fc.tuple(fc.nat(200), fc.nat(200)),
        // A merge since the compaction: a sorted person into another person.
        fc.option(
          fc
            .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }))
            .filter(([a, b]) => a !== b),
          { nil: undefined },
        ),
        async (sortedRows, recentRows, config, [cut, recentCut], merge) => {
          const mergedOf = (p: number) => (merge && p === merge[0] ? merge[1] : p);
          const grouping = new FunnelShard(config);
          const all = [...sortedRows, ...recentRows].map((r) => ({
            ...r,
            person: mergedOf(r.person),
          }));
          grouping.push(columns(all), all.length);
          const want = grouping.finish(values);

          const rest = new FunnelShard(config);
          const fold = new PersonRunFold(
            config,
            () => values,
            (rows, n) => rest.push(rows, n),
          );
          if (merge) {
            const [from, to] = merge;
            // Both ends of the merge, as the store's divert statement lists them.
            const pairs = [
              [from, to],
              [to, to],
            ];
            const fromWords = Int32Array.from(pairs.flatMap(([a]) => wordsOf(a ?? 0)));
            const toWords = Int32Array.from(pairs.flatMap(([, b]) => wordsOf(b ?? 0)));
            for (const [r, [a]] of pairs.entries())
              fold.divertPerson(fromWords, toWords, numberOf(a ?? 0), r);
          }
          // Both parts in their order, each in two chunks cut anywhere.
          const recent = [...recentRows].sort(recentOrder);
          const rc = Math.min(recentCut, recent.length);
          for (const part of [recent.slice(0, rc), recent.slice(rc)])
            fold.addRecent(
              columns(part),
              Int32Array.from(part.map((r) => numberOf(r.person))),
              part.length,
            );
          const sorted = [...sortedRows].sort((a, b) => a.person - b.person);
          const at = Math.min(cut, sorted.length);
          await fold.push(runRows(sorted.slice(0, at)), at);
          await fold.push(runRows(sorted.slice(at)), sorted.length - at);
          await fold.end();
          const got = fold.tallies();
          mergeTallies(got, rest.finish(values));
          assert.deepEqual(canon(got), canon(want));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses events out of person order, even across chunks', () => {
    const config: FunnelShardConfig = {
      spec: { stepCount: 1, windowMs: 10, order: 'ordered', exclusions: [] },
      grouped: false,
      attributed: false,
      windows: [{ from: 0, to: 100, startsBefore: 100 }],
    };
    const row = (person: number): Row => ({ person, t: 1, s: 1, x: 0, g: 0 });
    const fold = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    void fold.push(runRows([row(1), row(2), row(2)]), 3);
    // A person seen before comes back after another: it would be counted twice.
    assert.throws(() => fold.push(runRows([row(1)]), 1), PersonOrderError);
    // The recent part's rows too must come in their order.
    const recent = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    const add = (rows: Row[]) =>
      recent.addRecent(
        columns(rows),
        Int32Array.from(rows.map((r) => numberOf(r.person))),
        rows.length,
      );
    add([row(3), row(3), row(5)]);
    assert.throws(() => add([row(2)]), PersonOrderError);
    // In order: six persons, 2 with a sorted and a recent event, counted once.
    const ok = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    ok.addRecent(columns([row(2), row(4), row(5), row(6)]), Int32Array.from([2, 4, 0, 0]), 4);
    void ok.push(runRows([row(1), row(2), row(3)]), 3);
    void ok.end();
    assert.deepEqual(ok.tallies()[0]?.get(null)?.levels, [0, 6]);
  });

  it('refuses a grouped key, which splits a person', () => {
    assert.throws(
      () =>
        new PersonRunFold(
          {
            spec: { stepCount: 1, windowMs: 1, order: 'ordered', exclusions: [] },
            grouped: true,
            attributed: false,
            windows: [],
          },
          () => [null],
          () => undefined,
        ),
      /grouping pass/,
    );
  });
});

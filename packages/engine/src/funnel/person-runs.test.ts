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

type Row = { person: number[]; t: number; s: number; x: number; g: number };

/** Tallies as comparable data: gaps sorted (the passes append them in their own order). */
const canon = (tallies: ReturnType<FunnelShard['finish']>) =>
  tallies.map((byValue) =>
    [...byValue]
      .map(([value, t]) => ({
        value,
        levels: t.levels,
        gaps: t.gaps.map((g) => [...g].sort((a, b) => a - b)),
      }))
      .sort((a, b) => String(a.value).localeCompare(String(b.value))),
  );

const columns = (rows: readonly Row[]): FunnelRows => ({
  words: Int32Array.from(rows.flatMap((r) => r.person)),
  t: Float64Array.from(rows.map((r) => r.t)),
  s: Int32Array.from(rows.map((r) => r.s)),
  x: Int32Array.from(rows.map((r) => r.x)),
  g: Int32Array.from(rows.map((r) => r.g)),
});

/** DuckDB's UUID order over the words: the highest signed, then the others unsigned. */
const byPerson = (a: Row, b: Row) => {
  for (const k of [3, 2, 1, 0]) {
    const x = k === 3 ? (a.person[k] ?? 0) : (a.person[k] ?? 0) >>> 0;
    const y = k === 3 ? (b.person[k] ?? 0) : (b.person[k] ?? 0) >>> 0;
    if (x !== y) return x - y;
  }
  return 0;
};

// Persons that differ in one word only, the high word's sign included.
const arbPerson = fc.tuple(
  fc.constantFrom(0, 1, -1),
  fc.constant(9),
  fc.constantFrom(0, -2),
  fc.integer({ min: -1, max: 1 }),
);
// One step per event: with an event matching several steps at a tied time, the
// per-person pass reports step times that depend on the events' order (levels
// do not), and the two passes here see a person's events in different orders.
const arbRows = fc.array(
  fc.record({
    person: arbPerson,
    t: fc.nat(40),
    s: fc.constantFrom(0, 1, 2, 4),
    x: fc.nat(1),
    g: fc.nat(2),
  }),
  { maxLength: 200, size: 'large' },
);

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
    const key = (p: readonly number[]) => p.join(',');
    await fc.assert(
      fc.asyncProperty(
        arbRows,
        arbRows,
        arbConfig,
        fc.tuple(fc.nat(200), fc.nat(200)),
        fc.array(fc.tuple(arbPerson, fc.boolean()), { maxLength: 4 }),
        async (sortedRows, recentRows, config, [cut, recentCut], diverted) => {
          // Merged since the compaction: the first diverted person is grouped
          // under itself; each other under itself or the first.
          const root = diverted[0]?.[0];
          const target = new Map(
            diverted.map(([p, merged]) => [key(p), merged && root ? root : p] as const),
          );
          const mapped = (r: Row) => ({ ...r, person: target.get(key(r.person)) ?? r.person });
          const grouping = new FunnelShard(config);
          const all = [...sortedRows, ...recentRows].map(mapped);
          grouping.push(columns(all), all.length);
          const want = grouping.finish(values);

          const rest = new FunnelShard(config);
          const fold = new PersonRunFold(
            config,
            () => values,
            (rows, n) => rest.push(rows, n),
          );
          const from = Int32Array.from(diverted.flatMap(([p]) => p));
          const to = Int32Array.from(diverted.flatMap(([p]) => target.get(key(p)) ?? p));
          for (let r = 0; r < diverted.length; r++) fold.divert.set(from, to, r);
          // Both parts in person order, each in two chunks cut anywhere.
          const recent = [...recentRows].sort(byPerson);
          const rc = Math.min(recentCut, recent.length);
          fold.addRecent(columns(recent.slice(0, rc)), rc);
          fold.addRecent(columns(recent.slice(rc)), recent.length - rc);
          const sorted = [...sortedRows].sort(byPerson);
          const at = Math.min(cut, sorted.length);
          await fold.push(columns(sorted.slice(0, at)), at);
          await fold.push(columns(sorted.slice(at)), sorted.length - at);
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
    const row = (high: number): Row => ({ person: [0, 0, 0, high], t: 1, s: 1, x: 0, g: 0 });
    const fold = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    void fold.push(columns([row(-1), row(0), row(0)]), 3);
    // A person seen before comes back after another: it would be counted twice.
    assert.throws(() => fold.push(columns([row(-1)]), 1), PersonOrderError);
    // The recent part's rows too must come sorted by person.
    const recent = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    recent.addRecent(columns([row(3), row(3)]), 2);
    assert.throws(() => recent.addRecent(columns([row(2)]), 1), PersonOrderError);
    // A negative high word sorts first: this order is fine.
    const ok = new PersonRunFold(
      config,
      () => [null],
      () => undefined,
    );
    ok.addRecent(columns([row(-3), row(-1), row(7)]), 3);
    void ok.push(columns([row(-2), row(-1), row(5)]), 3);
    void ok.end();
    // Five persons: -1 has a sorted and a recent event, and counts once.
    assert.deepEqual(ok.tallies()[0]?.get(null)?.levels, [0, 5]);
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type FunnelRows,
  FunnelShard,
  type FunnelShardConfig,
  mergeTallies,
} from './funnel-shard.js';
import { canon } from './testing/canon.js';

const arbRows = fc.array(
  fc.record({
    // A few persons, some differing in one word only.
    person: fc.tuple(fc.nat(3), fc.constant(9), fc.nat(1), fc.integer({ min: -1, max: 1 })),
    t: fc.nat(40),
    s: fc.nat(7),
    x: fc.nat(1),
    g: fc.nat(2),
  }),
  // Large sizes: persons then often reach step 2, so that gaps are tallied and merged.
  { maxLength: 300, size: 'large' },
);

const arbConfig: fc.Arbitrary<FunnelShardConfig> = fc
  .record({
    spec: fc.record({
      stepCount: fc.constant(3),
      windowMs: fc.integer({ min: 1, max: 40 }),
      order: fc.constantFrom('ordered' as const, 'strict' as const, 'unordered' as const),
      exclusions: fc.constantFrom([], [{ a: 0, b: 1 }]),
    }),
    // No breakdown (the group column is ignored), by person, or attributed by event.
    breakdown: fc.constantFrom('none', 'person', 'event'),
    windows: fc.array(
      fc.tuple(fc.nat(20), fc.nat(30), fc.nat(30)).map(([from, length, starts]) => ({
        from,
        to: from + length,
        startsBefore: from + starts,
      })),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(({ breakdown, ...c }) => ({
    ...c,
    grouped: breakdown !== 'none',
    attributed: breakdown === 'event',
  }));

function columns(
  rows: readonly { person: number[]; t: number; s: number; x: number; g: number }[],
): FunnelRows {
  return {
    words: Int32Array.from(rows.flatMap((r) => r.person)),
    t: Float64Array.from(rows.map((r) => r.t)),
    s: Int32Array.from(rows.map((r) => r.s)),
    x: Int32Array.from(rows.map((r) => r.x)),
    g: Int32Array.from(rows.map((r) => r.g)),
  };
}

describe('funnel shards', () => {
  it('add up to the one-shard tallies, whatever the number of shards', () => {
    const values = [null, 'a', 'b'];
    fc.assert(
      fc.property(arbRows, arbConfig, fc.integer({ min: 2, max: 5 }), (rows, config, shards) => {
        const all = columns(rows);
        const one = new FunnelShard(config);
        one.push(all, rows.length);
        const want = one.finish(values);
        const parts = Array.from(
          { length: shards },
          (_, shard) => new FunnelShard(config, { shard, shards }),
        );
        // Every shard sees every row, in two writes, and keeps its own persons.
        const half = Math.floor(rows.length / 2);
        const head = columns(rows.slice(0, half));
        const tail = columns(rows.slice(half));
        for (const p of parts) {
          p.push(head, half);
          p.push(tail, rows.length - half);
        }
        const [first, ...rest] = parts.map((p) => p.finish(values));
        assert.ok(first);
        for (const r of rest) mergeTallies(first, r);
        assert.deepEqual(canon(first), canon(want));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each person in exactly one shard', () => {
    const config: FunnelShardConfig = {
      spec: { stepCount: 1, windowMs: 10, order: 'ordered', exclusions: [] },
      grouped: false,
      attributed: false,
      windows: [{ from: 0, to: 100, startsBefore: 100 }],
    };
    // 500 persons, one step-1 event each: each shard counts its own, together all of them.
    const rows = Array.from({ length: 500 }, (_, p) => ({
      person: [p, p * 7, 3, -p],
      t: 1,
      s: 1,
      x: 0,
      g: 0,
    }));
    const counts = [0, 1, 2].map((shard) => {
      const s = new FunnelShard(config, { shard, shards: 3 });
      s.push(columns(rows), rows.length);
      return s.finish([null])[0]?.get(null)?.levels[1] ?? 0;
    });
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      500,
    );
    for (const c of counts) assert.ok(c > 100, `an uneven split: ${counts.join(', ')}`);
  });

  it('refuses a shard outside the split', () => {
    const config: FunnelShardConfig = {
      spec: { stepCount: 1, windowMs: 10, order: 'ordered', exclusions: [] },
      grouped: false,
      attributed: false,
      windows: [],
    };
    assert.throws(() => new FunnelShard(config, { shard: 2, shards: 2 }), /shard must be/);
    assert.throws(() => new FunnelShard(config, { shard: 0, shards: 0 }), /shards must be/);
  });
});

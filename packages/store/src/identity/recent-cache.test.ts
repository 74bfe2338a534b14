import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RecentCache } from './recent-cache.js';

type Op =
  | { readonly op: 'set'; readonly k: string; readonly v: number }
  | { readonly op: 'get' | 'delete'; readonly k: string }
  | { readonly op: 'clear' };

const key = fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`);
const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, v: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), k: key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), k: key }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  ),
  { maxLength: 300 },
);

describe('RecentCache', () => {
  it('never answers a stale or deleted value, keeps the recent keys and stays within its limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), ops, (limit, script: Op[]) => {
        const cache = new RecentCache<number>(limit);
        // The reference: the latest value of every key, and the order keys were last used in.
        const truth = new Map<string, number>();
        let used: string[] = [];
        const touch = (k: string) => {
          used = [...used.filter((u) => u !== k), k];
        };
        for (const step of script) {
          if (step.op === 'set') {
            cache.set(step.k, step.v);
            truth.set(step.k, step.v);
            touch(step.k);
          } else if (step.op === 'get') {
            const got = cache.get(step.k);
            if (got !== undefined) {
              assert.equal(got, truth.get(step.k), `${step.k} answered a stale value`);
              touch(step.k);
            }
          } else if (step.op === 'delete') {
            cache.delete(step.k);
            truth.delete(step.k);
            used = used.filter((u) => u !== step.k);
          } else {
            cache.clear();
            truth.clear();
            used = [];
          }
          assert.ok(cache.size <= limit, `${cache.size} entries over a limit of ${limit}`);
        }
        // The most recently used half of the limit is always still there.
        for (const k of used.slice(-Math.floor(limit / 2))) {
          assert.equal(cache.get(k), truth.get(k), `recent key ${k} was forgotten`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a limit that cannot hold a generation', () => {
    assert.throws(() => new RecentCache(1), /at least 2 \(got 1\)/);
    assert.throws(() => new RecentCache(2.5), /got 2.5/);
  });
});

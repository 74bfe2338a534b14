import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FunnelAccumulator } from './funnel-accumulator.js';
import { orderedGreedy, UNDECIDED } from './ordered-greedy.js';
import { PersonEvents } from './person-events.js';
import { type FunnelSpec, personFunnel } from './person-funnel.js';

// Few distinct times so that ties are common; masks may match several steps.
const arbEvents = fc.array(
  fc.record({
    t: fc.integer({ min: 0, max: 12 }),
    steps: fc.integer({ min: 0, max: 15 }),
    inRange: fc.boolean(),
  }),
  { maxLength: 12 },
);
const arbSpec = fc.record({
  stepCount: fc.integer({ min: 2, max: 4 }),
  windowMs: fc.integer({ min: 0, max: 8 }),
});

function fill(events: readonly { t: number; steps: number; inRange: boolean }[]): PersonEvents {
  const ev = new PersonEvents();
  for (const e of events) ev.push(e.t, e.steps, 0, e.inRange);
  return ev;
}

describe('ordered greedy funnel pass', () => {
  it('agrees with the exact search whenever it decides', () => {
    let decided = 0;
    fc.assert(
      fc.property(arbEvents, arbSpec, (raw, s) => {
        const spec: FunnelSpec = { ...s, order: 'ordered', exclusions: [] };
        const events = raw.map((e) => ({ ...e, steps: e.steps & ((1 << s.stepCount) - 1) }));
        const times = new Float64Array(spec.stepCount);
        const level = orderedGreedy(fill(events), spec, new Float64Array(spec.stepCount), times);
        const want = personFunnel(
          events.map((e) => ({ ...e, exclusions: 0 })).sort((a, b) => a.t - b.t),
          spec,
        );
        if (level === UNDECIDED) {
          // Only a tie group holding an event that matches several steps is left undecided.
          const multiTie = events.some(
            (a, i) =>
              (a.steps & (a.steps - 1)) !== 0 &&
              events.some((b, j) => j !== i && b.t === a.t && b.steps !== 0),
          );
          assert.ok(multiTie, JSON.stringify(events));
          return;
        }
        decided++;
        assert.equal(level, want.level, JSON.stringify({ events, spec }));
        assert.deepEqual([...times.subarray(0, level)], [...want.times]);
      }),
      { numRuns: 3000 },
    );
    assert.ok(decided > 1000, `the greedy pass decided only ${decided} cases`);
  });

  it('a hand-computed person: the latest start wins, ties chain in step order', () => {
    const spec: FunnelSpec = { stepCount: 3, windowMs: 10, order: 'ordered', exclusions: [] };
    // a@0 b@5 | a@8 (c and b tie at 12; the b@12 must come before c@12) → chain 8,12,12.
    const ev = fill([
      { t: 12, steps: 4, inRange: false },
      { t: 0, steps: 1, inRange: true },
      { t: 5, steps: 2, inRange: true },
      { t: 8, steps: 1, inRange: true },
      { t: 12, steps: 2, inRange: false },
    ]);
    const times = new Float64Array(3);
    assert.equal(orderedGreedy(ev, spec, new Float64Array(3), times), 3);
    assert.deepEqual([...times], [8, 12, 12]);
  });

  it('the accumulator tallies every person as the exact search does, shortcuts included', () => {
    fc.assert(
      fc.property(fc.array(arbEvents, { maxLength: 8 }), arbSpec, (persons, s) => {
        const spec: FunnelSpec = { ...s, order: 'ordered', exclusions: [] };
        const acc = new FunnelAccumulator(spec);
        const levels = new Array<number>(spec.stepCount + 1).fill(0);
        const gaps = Array.from({ length: spec.stepCount }, (): number[] => []);
        for (const raw of persons) {
          const events = raw.map((e) => ({ ...e, steps: e.steps & ((1 << s.stepCount) - 1) }));
          const ev = acc.next();
          for (const e of events) ev.push(e.t, e.steps, 0, e.inRange);
          acc.add(null);
          const r = personFunnel(
            events.map((e) => ({ ...e, exclusions: 0 })).sort((a, b) => a.t - b.t),
            spec,
          );
          if (r.level === 0) continue;
          levels[r.level] = (levels[r.level] ?? 0) + 1;
          for (let k = 1; k < r.times.length; k++)
            gaps[k]?.push(((r.times[k] ?? 0) - (r.times[k - 1] ?? 0)) / 1000);
        }
        // No tally at all when nobody reached step 1.
        const got = acc.tallies.get(null) ?? {
          levels: new Array(spec.stepCount + 1).fill(0),
          gaps,
        };
        assert.deepEqual(got.levels, levels);
        assert.deepEqual(got.gaps, gaps);
      }),
      { numRuns: 1000 },
    );
  });

  it('the accumulator falls back to the exact search for undecided persons', () => {
    const spec: FunnelSpec = { stepCount: 2, windowMs: 10, order: 'ordered', exclusions: [] };
    const acc = new FunnelAccumulator(spec);
    const ev = acc.next();
    ev.push(3, 3, 0, true); // matches both steps …
    ev.push(3, 1, 0, true); // … and ties with a step-1 event: a→(a|b) is a 2-step chain
    acc.add(null);
    assert.equal(acc.exactSearches, 1);
    assert.deepEqual(acc.tallies.get(null)?.levels, [0, 0, 1]);
    assert.deepEqual(acc.tallies.get(null)?.gaps, [[], [0]]);
  });
});

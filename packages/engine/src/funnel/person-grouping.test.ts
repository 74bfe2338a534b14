import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PersonGrouping } from './person-grouping.js';

describe('person grouping', () => {
  it('groups exactly by the four key words and the group, whatever the hash does, within each window', () => {
    // Tiny word alphabets make keys that differ in one word only, and many persons per partition.
    const arbRow = fc.record({
      w: fc.tuple(fc.nat(2), fc.nat(1), fc.constant(-7), fc.integer({ min: -2, max: 40 })),
      g: fc.nat(2),
      t: fc.nat(100),
      s: fc.nat(7),
    });
    const arbWindow = fc
      .tuple(fc.integer({ min: -1, max: 101 }), fc.nat(102), fc.nat(100))
      .map(([from, length, startsBefore]) => ({ from, to: from + length, startsBefore }));
    fc.assert(
      fc.property(
        fc.array(arbRow, { maxLength: 400 }),
        fc.array(arbWindow, { minLength: 1, maxLength: 2 }),
        // Tiny first blocks chain many blocks per partition; 256 is the default.
        fc.constantFrom(1, 2, 5, 256),
        (rows, windows, firstBlock) => {
          const grouping = new PersonGrouping(firstBlock);
          for (const r of rows) grouping.push(r.w[0], r.w[1], r.w[2], r.w[3], r.g, r.t, r.s, 0);
          const got = windows.map((): string[] => []);
          grouping.forEachPerson(windows, (ev, g, w) => {
            const window = windows[w];
            assert.ok(window);
            const items: number[] = [];
            for (let i = 0; i < ev.n; i++) {
              items.push((ev.t[i] ?? 0) * 8 + (ev.steps[i] ?? 0));
              assert.equal(ev.inRange[i] === 1, (ev.t[i] ?? 0) < window.startsBefore);
            }
            got[w]?.push(`${g}:${items.sort((a, b) => a - b).join(',')}`);
          });
          windows.forEach((window, w) => {
            const want = new Map<string, number[]>();
            for (const r of rows) {
              if (r.t < window.from || r.t >= window.to) continue;
              const key = JSON.stringify([r.w, r.g]);
              want.set(key, [...(want.get(key) ?? []), r.t * 8 + r.s]);
            }
            const expected = [...want.entries()].map(
              ([k, v]) => `${JSON.parse(k)[1]}:${v.sort((a, b) => a - b).join(',')}`,
            );
            assert.deepEqual(got[w]?.sort(), expected.sort());
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every event of one person past the largest block', () => {
    // One key lands in one partition: 20,000 events fill blocks of 256 … 8,192 and two more at the cap.
    const grouping = new PersonGrouping();
    const n = 20_000;
    for (let i = 0; i < n; i++) grouping.push(1, 2, 3, 4, 0, i, 1 + (i % 3), 0);
    const seen: number[] = [];
    let persons = 0;
    grouping.forEachPerson([{ from: 0, to: n, startsBefore: n }], (ev) => {
      persons++;
      for (let i = 0; i < ev.n; i++) {
        seen.push(ev.t[i] ?? -1);
        assert.equal(ev.steps[i], 1 + ((ev.t[i] ?? 0) % 3));
      }
    });
    assert.equal(persons, 1);
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
    );
  });
});

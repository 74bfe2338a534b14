import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { layoutOf, localPersons, PersonGrouping, tableSize } from './person-grouping.js';

describe('person grouping', () => {
  it('groups exactly by the four key words and the group, whatever the hash does, within each window', () => {
    // Tiny word alphabets make keys that differ in one word only, and many persons per partition.
    const arbRow = fc.record({
      w: fc.tuple(fc.nat(2), fc.nat(1), fc.constant(-7), fc.integer({ min: -2, max: 40 })),
      g: fc.nat(2),
      t: fc.nat(100),
      s: fc.nat(7),
      x: fc.nat(3),
      tag: fc.nat(5),
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
        fc.record({ groups: fc.boolean(), exclusions: fc.boolean(), tags: fc.boolean() }),
        fc.integer({ min: 1, max: 50 }),
        (rows, windows, firstBlock, fields, batch) => {
          const grouping = new PersonGrouping({ firstBlock, fields });
          // In batches, as a funnel's chunks arrive.
          for (let from = 0; from < rows.length; from += batch) {
            const part = rows.slice(from, from + batch);
            grouping.pushRows(
              {
                words: part.flatMap((r) => r.w),
                t: part.map((r) => r.t),
                steps: part.map((r) => r.s),
                exclusions: part.map((r) => r.x),
                groups: part.map((r) => r.g),
                tags: part.map((r) => r.tag),
              },
              part.length,
            );
          }
          // An event as one number: its time, steps, exclusions and tag (0 where not kept).
          const item = (t: number, s: number, x: number, tag: number) =>
            ((t * 8 + s) * 4 + (fields.exclusions ? x : 0)) * 6 + (fields.tags ? tag : 0);
          const got = windows.map((): string[] => []);
          grouping.forEachPerson(windows, (ev, g, w) => {
            const window = windows[w];
            assert.ok(window);
            const items: number[] = [];
            for (let i = 0; i < ev.n; i++) {
              items.push(
                item(ev.t[i] ?? 0, ev.steps[i] ?? 0, ev.exclusions[i] ?? 0, ev.tags[i] ?? 0),
              );
              assert.equal(ev.inRange[i] === 1, (ev.t[i] ?? 0) < window.startsBefore);
            }
            got[w]?.push(`${g}:${items.sort((a, b) => a - b).join(',')}`);
          });
          windows.forEach((window, w) => {
            const want = new Map<string, number[]>();
            for (const r of rows) {
              if (r.t < window.from || r.t >= window.to) continue;
              // Without groups, the group is no part of the key and reads as 0.
              const key = JSON.stringify([r.w, fields.groups ? r.g : 0]);
              want.set(key, [...(want.get(key) ?? []), item(r.t, r.s, r.x, r.tag)]);
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
    const zeros = new Int32Array(n);
    grouping.pushRows(
      {
        words: Int32Array.from({ length: n * 4 }, (_, j) => 1 + (j % 4)),
        t: Float64Array.from({ length: n }, (_, i) => i),
        steps: Int32Array.from({ length: n }, (_, i) => 1 + (i % 3)),
        exclusions: zeros,
        groups: zeros,
        tags: zeros,
      },
      n,
    );
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

  it('tells keys apart by every word and the group, when they collide in a partition', () => {
    // Keys that differ from each other in one place only (2,000 per word and
    // for the group), all in one table: their probes run through each
    // other's slots, so a comparison that skipped a word would merge some.
    for (const groups of [true, false]) {
      const layout = layoutOf({ groups, exclusions: false, tags: false });
      const keys: number[][] = [[0, 0, 0, 0, 0]];
      for (let at = 0; at < 5; at++)
        for (let v = 1; v <= 2_000; v++)
          keys.push([0, 0, 0, 0, 0].map((_, j) => (j === at ? v : 0)));
      const n = keys.length * 2;
      const ints = new Int32Array(n * layout.stride);
      keys.forEach((k, i) => {
        for (const at of [i, i + keys.length]) {
          ints.set(k.slice(0, 4), at * layout.stride);
          if (layout.group >= 0) ints[at * layout.stride + layout.group] = k[4] ?? 0;
        }
      });
      const scratch = {
        slots: new Int32Array(tableSize(n)),
        pid: new Int32Array(n),
        first: new Int32Array(n),
      };
      const persons = localPersons(ints, n, layout, scratch);
      // Without groups, keys that differ only in their group are one person.
      assert.equal(persons, groups ? keys.length : keys.length - 2_000);
      for (let i = 0; i < keys.length; i++)
        assert.equal(scratch.pid[i], scratch.pid[i + keys.length], `key ${i} seen twice`);
    }
  });
});

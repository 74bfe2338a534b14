import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { appendBounded, chunkBySize } from './queue.js';

test('appendBounded keeps the newest items and counts drops', () => {
  assert.deepEqual(appendBounded([1, 2, 3], [4, 5], 4), { queue: [2, 3, 4, 5], dropped: 1 });
  assert.deepEqual(appendBounded([1], [2], 5), { queue: [1, 2], dropped: 0 });
  assert.deepEqual(
    appendBounded([1, 2], [3], 0),
    { queue: [3], dropped: 2 },
    'a bound below 1 means 1',
  );
});

test('property: appendBounded equals push-then-shift on a plain array', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat()),
      fc.array(fc.nat()),
      fc.integer({ min: 1, max: 50 }),
      (q, add, max) => {
        const ref = [...q];
        let dropped = 0;
        for (const x of add) ref.push(x);
        while (ref.length > max) {
          ref.shift();
          dropped++;
        }
        assert.deepEqual(appendBounded(q, add, max), { queue: ref, dropped });
      },
    ),
  );
});

test('chunkBySize respects the byte cap and the item cap, and keeps order', () => {
  const items = ['aaaa', 'bb', 'cccccc', 'd', 'eeeeeeeeeeee'];
  // Each item costs its size plus one separator byte.
  const chunks = chunkBySize(items, (s) => s.length, 9, 10);
  assert.deepEqual(chunks, [['aaaa', 'bb'], ['cccccc', 'd'], ['eeeeeeeeeeee']]);
  assert.deepEqual(
    chunkBySize([1, 2, 3, 4, 5], () => 1, 1000, 2),
    [[1, 2], [3, 4], [5]],
  );
  assert.deepEqual(
    chunkBySize([], () => 1, 10, 10),
    [],
  );
});

test('property: chunks concatenate back to the input and stay under the caps', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 30 })),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 10 }),
      (items, maxBytes, maxItems) => {
        const chunks = chunkBySize(items, (s) => s.length, maxBytes, maxItems);
        assert.deepEqual(chunks.flat(), items);
        for (const c of chunks) {
          assert.ok(c.length >= 1 && c.length <= maxItems);
          const bytes = c.reduce((sum, s) => sum + s.length + 1, 0);
          assert.ok(
            c.length === 1 || bytes <= maxBytes,
            'only a lone oversized item may exceed the cap',
          );
        }
      },
    ),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { uuidv7 } from './uuid.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('uuidv7 has the version 7 layout and encodes the timestamp', () => {
  const id = uuidv7(Date.UTC(2025, 0, 1), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(id, V7);
  const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  assert.equal(ms, Date.UTC(2025, 0, 1));
});

test('uuidv7 is well formed and time-ordered for any time and bytes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 47 }),
      fc.integer({ min: 1, max: 2 ** 20 }),
      fc.uint8Array({ minLength: 10, maxLength: 10 }),
      fc.uint8Array({ minLength: 10, maxLength: 10 }),
      (t, dt, a, b) => {
        const first = uuidv7(t, a);
        const second = uuidv7(t + dt, b);
        assert.match(first, V7);
        assert.ok(first < second, `${first} < ${second}`);
      },
    ),
  );
});

test('different random bytes give different ids at the same millisecond', () => {
  const a = uuidv7(1000, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  const b = uuidv7(1000, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
  assert.notEqual(a, b);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffDelayMs, classifyAttempt, parseRetryAfter } from './backoff.js';

const NOW = Date.UTC(2025, 5, 1, 10, 0, 0);
const ctx = { attempt: 2, random: 0.5, nowMs: NOW };

test('full jitter: the delay is random × min(max, base·2^attempt)', () => {
  assert.equal(backoffDelayMs(0, 0.5), 500);
  assert.equal(backoffDelayMs(3, 0.5), 4000);
  assert.equal(backoffDelayMs(20, 0.5), 30_000, 'capped at 60 s');
  assert.equal(backoffDelayMs(3, 0), 0);
  assert.equal(backoffDelayMs(1, 0.25, { baseMs: 100, maxMs: 150 }), 37);
});

test('property: the delay stays within [0, cap)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (attempt, r) => {
        const d = backoffDelayMs(attempt, r);
        const cap = Math.min(60_000, 1000 * 2 ** attempt);
        assert.ok(d >= 0 && d < cap, `${d} in [0, ${cap})`);
      },
    ),
  );
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3', NOW), 3000);
  assert.equal(parseRetryAfter(' 1.5 ', NOW), 1500);
  assert.equal(parseRetryAfter(new Date(NOW + 7000).toUTCString(), NOW), 7000);
  assert.equal(
    parseRetryAfter(new Date(NOW - 7000).toUTCString(), NOW),
    0,
    'a past date means now',
  );
  assert.equal(parseRetryAfter('999999', NOW), 600_000, 'capped at ten minutes');
  assert.equal(parseRetryAfter('soon', NOW), null);
  assert.equal(parseRetryAfter(null, NOW), null);
  assert.equal(parseRetryAfter('', NOW), null);
});

test('responses are classified: sent, retried or dropped', () => {
  assert.deepEqual(classifyAttempt({ status: 200, retryAfter: null }, ctx), { kind: 'sent' });
  assert.deepEqual(classifyAttempt({ status: 204, retryAfter: null }, ctx), { kind: 'sent' });
  assert.deepEqual(classifyAttempt({ status: 429, retryAfter: '12' }, ctx), {
    kind: 'retry',
    delayMs: 12_000,
  });
  assert.deepEqual(classifyAttempt({ status: 429, retryAfter: null }, ctx), {
    kind: 'retry',
    delayMs: 2000,
  });
  for (const status of [0, 408, 500, 502, 503]) {
    assert.deepEqual(
      classifyAttempt({ status, retryAfter: null }, ctx),
      { kind: 'retry', delayMs: 2000 },
      `${status}`,
    );
  }
  for (const status of [400, 401, 403, 404, 413]) {
    assert.equal(classifyAttempt({ status, retryAfter: null }, ctx).kind, 'drop', `${status}`);
  }
});

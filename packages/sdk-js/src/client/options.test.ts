import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOptions } from './options.js';

test('defaults', () => {
  assert.deepEqual(resolveOptions(undefined, 'https://shop.example'), {
    host: 'https://shop.example',
    autocapturePageviews: true,
    persistence: 'localStorage',
    respectDnt: false,
    referralParams: ['ref', 'invite'],
    batchSize: 50,
    flushIntervalMs: 2000,
    maxQueue: 1000,
    debug: false,
  });
});

test('values are taken, trailing slashes trimmed and numbers bounded', () => {
  const o = resolveOptions(
    {
      host: 'https://ingest.example/',
      autocapturePageviews: false,
      persistence: 'memory',
      respectDnt: true,
      referralParam: 'code',
      batchSize: 0,
      flushIntervalMs: 10.7,
      maxQueue: 1e9,
      debug: true,
    },
    'https://shop.example',
  );
  assert.equal(o.host, 'https://ingest.example');
  assert.deepEqual(o.referralParams, ['code']);
  assert.equal(o.batchSize, 1);
  assert.equal(o.flushIntervalMs, 10);
  assert.equal(o.maxQueue, 100_000);
  assert.equal(o.autocapturePageviews, false);
  assert.equal(o.persistence, 'memory');
  assert.equal(o.debug && o.respectDnt, true);
  assert.deepEqual(resolveOptions({ referralParam: ['a', 'b'] }, 'x').referralParams, ['a', 'b']);
  assert.equal(resolveOptions({ batchSize: Number.NaN }, 'x').batchSize, 50);
});

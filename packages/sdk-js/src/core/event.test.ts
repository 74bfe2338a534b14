import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIB_VERSION } from '../version.js';
import { batchBody, buildEvent, toJsonObject } from './event.js';

const base = {
  event: 'signed_up',
  uuid: '0190a4c6-0000-7000-8000-000000000001',
  nowMs: Date.UTC(2025, 2, 3, 4, 5, 6, 7),
  distinctId: 'anon-1',
  sessionId: 'sess-1',
  page: {
    url: 'https://shop.example/pricing?x=1#top',
    referrer: 'https://ref.example/',
    title: 'Pricing',
  },
  superProperties: { app: 'web', plan: 'free' },
  groups: {},
};

test('buildEvent produces the PostHog wire shape with page context', () => {
  const e = buildEvent({ ...base, properties: { plan: 'pro' } });
  assert.equal(e.uuid, base.uuid);
  assert.equal(e.event, 'signed_up');
  assert.equal(e.distinct_id, 'anon-1');
  assert.equal(e.timestamp, '2025-03-03T04:05:06.007Z');
  assert.deepEqual(e.properties, {
    $current_url: 'https://shop.example/pricing?x=1#top',
    $host: 'shop.example',
    $pathname: '/pricing',
    $referrer: 'https://ref.example/',
    $title: 'Pricing',
    app: 'web',
    plan: 'pro',
    $session_id: 'sess-1',
    $lib: 'opsloop-js',
    $lib_version: LIB_VERSION,
  });
});

test('the SDK owns $session_id and $lib even if the caller sets them', () => {
  const e = buildEvent({ ...base, properties: { $lib: 'fake', $session_id: 'x' } });
  assert.equal(e.properties['$lib'], 'opsloop-js');
  assert.equal(e.properties['$session_id'], 'sess-1');
});

test('groups, $set and $set_once appear only when non-empty', () => {
  const bare = buildEvent({ ...base, set: {}, setOnce: {} });
  assert.ok(
    !('$groups' in bare.properties) &&
      !('$set' in bare.properties) &&
      !('$set_once' in bare.properties),
  );
  const full = buildEvent({
    ...base,
    groups: { company: 'acme' },
    set: { email: 'a@b.example' },
    setOnce: { $initial_referrer: '$direct' },
  });
  assert.deepEqual(full.properties['$groups'], { company: 'acme' });
  assert.deepEqual(full.properties['$set'], { email: 'a@b.example' });
  assert.deepEqual(full.properties['$set_once'], { $initial_referrer: '$direct' });
});

test('an empty referrer is $direct', () => {
  assert.equal(
    buildEvent({ ...base, page: { ...base.page, referrer: '' } }).properties['$referrer'],
    '$direct',
  );
});

test('batchBody wraps events with api_key and sent_at', () => {
  const e = buildEvent(base);
  const body = JSON.parse(batchBody('wk_1', [e], Date.UTC(2025, 0, 1))) as Record<string, unknown>;
  assert.deepEqual(body, { api_key: 'wk_1', batch: [e], sent_at: '2025-01-01T00:00:00.000Z' });
});

test('toJsonObject copies plain objects and refuses what JSON cannot carry', () => {
  const input = { a: 1, nested: { b: [1, 'x'] }, when: new Date(0) };
  const copy = toJsonObject(input);
  assert.deepEqual(copy, { a: 1, nested: { b: [1, 'x'] }, when: '1970-01-01T00:00:00.000Z' });
  input.nested.b.push(2);
  assert.deepEqual(copy?.['nested'], { b: [1, 'x'] }, 'a copy, not a reference');
  assert.deepEqual(toJsonObject(undefined), {});
  assert.equal(toJsonObject('str'), null);
  assert.equal(toJsonObject([1]), null);
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.equal(toJsonObject(cyclic), null);
  assert.equal(toJsonObject({ n: 10n }), null);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanonicalEvent } from '@opsloop/schema';
import { normalizePostHogEvent } from './posthog.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const ctx = { projectId: 'p1', receivedAt: NOW };

function ok(raw: unknown, c: Parameters<typeof normalizePostHogEvent>[1] = ctx) {
  const r = normalizePostHogEvent(raw, c);
  if (!r.ok) assert.fail(`refused: ${r.reason}`);
  // Every normalised event satisfies the canonical schema the spool stores.
  CanonicalEvent.parse(r.event);
  return r.event;
}

describe('normalizePostHogEvent', () => {
  it('keeps the uuid, name, distinct id and properties; strips the token and person ops', () => {
    const e = ok({
      event: 'signup',
      distinct_id: 42,
      uuid: '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B',
      properties: { plan: 'pro', token: 'phc_x', $set: { email: 'a@b.c' } },
    });
    assert.equal(e.uuid, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    assert.equal(e.event, 'signup');
    assert.equal(e.distinctId, '42');
    assert.deepEqual(e.properties, { plan: 'pro' });
    assert.deepEqual(e.personOps, { set: { email: 'a@b.c' } });
    assert.equal(e.timestamp, NOW);
  });

  it('takes the distinct id from properties when the top level has none', () => {
    assert.equal(ok({ event: 'x', properties: { distinct_id: 'p' } }).distinctId, 'p');
    assert.equal(ok({ event: 'x', properties: { $distinct_id: 'q' } }).distinctId, 'q');
  });

  it('refuses events without a name, without a distinct id or with one over 200 characters', () => {
    assert.deepEqual(normalizePostHogEvent({ distinct_id: 'a' }, ctx), {
      ok: false,
      reason: 'event name is missing',
    });
    assert.deepEqual(normalizePostHogEvent({ event: 'x' }, ctx), {
      ok: false,
      reason: 'distinct_id is missing',
    });
    assert.deepEqual(normalizePostHogEvent({ event: 'x', distinct_id: 'a'.repeat(201) }, ctx), {
      ok: false,
      reason: 'distinct_id is longer than 200 characters',
    });
    assert.equal(ok({ event: 'x', distinct_id: 'a'.repeat(200) }).distinctId.length, 200);
  });

  it('maps $identify, $create_alias and $merge_dangerously to identity ops', () => {
    assert.deepEqual(
      ok({
        event: '$identify',
        distinct_id: 'user',
        properties: { $anon_distinct_id: 'anon', $set: { name: 'A' } },
      }).identity,
      { kind: 'identify', otherDistinctId: 'anon' },
    );
    assert.deepEqual(
      ok({ event: '$create_alias', distinct_id: 'u', properties: { alias: 'v' } }).identity,
      {
        kind: 'alias',
        otherDistinctId: 'v',
      },
    );
    assert.deepEqual(
      ok({ event: '$merge_dangerously', distinct_id: 'u', properties: { alias: 'w' } }).identity,
      {
        kind: 'merge_dangerously',
        otherDistinctId: 'w',
      },
    );
    assert.equal(
      ok({ event: '$identify', distinct_id: 'u', properties: { $anon_distinct_id: 'u' } }).identity,
      null,
    );
    assert.equal(
      ok({ event: 'other', distinct_id: 'u', properties: { alias: 'v' } }).identity,
      null,
    );
  });

  it('merges $set / $set_once / $unset from the top level and the properties', () => {
    const e = ok({
      event: '$set',
      distinct_id: 'u',
      $set: { a: 2 },
      $set_once: { first: 'x' },
      $unset: ['gone'],
      properties: { $set: { a: 1, b: 1 }, $unset: ['old'] },
    });
    assert.deepEqual(e.personOps, {
      set: { a: 2, b: 1 },
      setOnce: { first: 'x' },
      unset: ['old', 'gone'],
    });
  });

  it('reads groups and $groupidentify', () => {
    const e = ok({
      event: '$groupidentify',
      distinct_id: 'u',
      properties: {
        $group_type: 'company',
        $group_key: 7,
        $group_set: { name: 'Acme' },
        $groups: { team: 't1' },
      },
    });
    assert.deepEqual(e.groupIdentify, {
      groupType: 'company',
      groupKey: '7',
      set: { name: 'Acme' },
    });
    assert.deepEqual(e.groups, { team: 't1', company: '7' });
    const bad = normalizePostHogEvent(
      { event: '$groupidentify', distinct_id: 'u', properties: {} },
      ctx,
    );
    assert.equal(bad.ok, false);
  });

  it('derives url, referrer, session, utm and device fields', () => {
    const e = ok({
      event: '$pageview',
      distinct_id: 'u',
      properties: {
        $current_url: 'https://shop.io/p?utm_source=news&utm_campaign=spring#top',
        $referrer: '$direct',
        $session_id: 's1',
        $raw_user_agent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      },
    });
    assert.equal(e.url, 'https://shop.io/p?utm_source=news&utm_campaign=spring#top');
    assert.equal(e.referrer, null);
    assert.equal(e.sessionId, 's1');
    assert.equal(e.utmSource, 'news');
    assert.equal(e.utmCampaign, 'spring');
    assert.equal(e.utmMedium, null);
    assert.deepEqual([e.browser, e.os, e.deviceType], ['Safari', 'iOS', 'mobile']);
    // utm_* properties win over the URL; the SDK's own $browser wins over parsing.
    const f = ok({
      event: 'x',
      distinct_id: 'u',
      properties: {
        utm_source: 'prop',
        $current_url: 'https://a/?utm_source=url',
        $browser: 'Firefox',
        $device_type: 'Tablet',
      },
    });
    assert.equal(f.utmSource, 'prop');
    assert.equal(f.browser, 'Firefox');
    assert.equal(f.deviceType, 'tablet');
  });

  it('corrects clock skew with sent_at and clamps the far future', () => {
    const skewed = ok(
      { event: 'x', distinct_id: 'u', timestamp: '2030-01-01T00:00:10.000Z' },
      { ...ctx, sentAt: Date.parse('2030-01-01T00:00:15.000Z') },
    );
    assert.equal(skewed.timestamp, NOW - 5000);
    const future = ok({ event: 'x', distinct_id: 'u', timestamp: NOW + 24 * 3600 * 1000 });
    assert.equal(future.timestamp, NOW);
    assert.equal(future.properties['$timestamp_clamped'], true);
    assert.equal(
      future.properties['$original_timestamp'],
      new Date(NOW + 24 * 3600 * 1000).toISOString(),
    );
    const nearFuture = ok({ event: 'x', distinct_id: 'u', timestamp: NOW + 22 * 3600 * 1000 });
    assert.equal(nearFuture.timestamp, NOW + 22 * 3600 * 1000);
    assert.equal(ok({ event: 'x', distinct_id: 'u', offset: 1500 }).timestamp, NOW - 1500);
  });

  it('derives a stable uuid from a non-uuid client id', () => {
    const a = ok({ event: 'x', distinct_id: 'u', uuid: 'msg-1' });
    const b = ok({ event: 'x', distinct_id: 'u', uuid: 'msg-1' });
    assert.equal(a.uuid, b.uuid);
    assert.notEqual(ok({ event: 'x', distinct_id: 'u', uuid: 'msg-2' }).uuid, a.uuid);
    assert.notEqual(
      ok({ event: 'x', distinct_id: 'u' }).uuid,
      ok({ event: 'x', distinct_id: 'u' }).uuid,
    );
  });
});

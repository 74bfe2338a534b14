import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanonicalEvent } from '@opsloop/schema';
import { normalizeSegmentMessage, type SegmentNormalizeContext } from './segment.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const ctx: SegmentNormalizeContext = { projectId: 'p1', receivedAt: NOW };

function ok(raw: unknown, c: SegmentNormalizeContext = ctx) {
  const r = normalizeSegmentMessage(raw, c);
  if (!r.ok) assert.fail(`refused: ${r.reason}`);
  CanonicalEvent.parse(r.event);
  return r.event;
}

describe('normalizeSegmentMessage', () => {
  it('names events by type', () => {
    const base = { userId: 'u', event: 'Bought', groupId: 'g', previousId: 'p' };
    const names = ['track', 'page', 'screen', 'identify', 'group', 'alias'].map(
      (type) => ok({ ...base, type }).event,
    );
    assert.deepEqual(names, [
      'Bought',
      '$pageview',
      '$screen',
      '$identify',
      '$groupidentify',
      '$create_alias',
    ]);
  });

  it('links anonymousId to userId, and alias maps previousId', () => {
    const t = ok({ type: 'track', event: 'x', userId: 'u', anonymousId: 'a' });
    assert.equal(t.distinctId, 'u');
    assert.deepEqual(t.identity, { kind: 'link', otherDistinctId: 'a' });
    assert.equal(ok({ type: 'track', event: 'x', anonymousId: 'a' }).identity, null);
    assert.deepEqual(ok({ type: 'alias', userId: 'u', previousId: 'old' }).identity, {
      kind: 'alias',
      otherDistinctId: 'old',
    });
  });

  it('identify traits become $set; group traits become the group with type company unless group_type', () => {
    assert.deepEqual(ok({ type: 'identify', userId: 'u', traits: { email: 'e' } }).personOps, {
      set: { email: 'e' },
    });
    const g = ok({ type: 'group', userId: 'u', groupId: 'acme', traits: { name: 'Acme' } });
    assert.deepEqual(g.groupIdentify, {
      groupType: 'company',
      groupKey: 'acme',
      set: { name: 'Acme' },
    });
    assert.deepEqual(g.groups, { company: 'acme' });
    const h = ok({
      type: 'group',
      userId: 'u',
      groupId: 5,
      traits: { group_type: 'team', size: 3 },
    });
    assert.deepEqual(h.groupIdentify, { groupType: 'team', groupKey: '5', set: { size: 3 } });
  });

  it('maps context: page url, referrer, user agent, campaign, library', () => {
    const e = ok({
      type: 'page',
      anonymousId: 'a',
      name: 'Home',
      properties: { title: 'Welcome' },
      context: {
        page: { url: 'https://x.io/?utm_source=url', referrer: 'https://google.com/', path: '/' },
        userAgent:
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        campaign: { source: 'ctx', medium: 'email', name: 'spring' },
        library: { name: 'analytics.js', version: '5' },
      },
    });
    assert.equal(e.url, 'https://x.io/?utm_source=url');
    assert.equal(e.referrer, 'https://google.com/');
    assert.deepEqual([e.utmSource, e.utmMedium, e.utmCampaign], ['ctx', 'email', 'spring']);
    assert.deepEqual([e.browser, e.os, e.deviceType], ['Chrome', 'Windows', 'desktop']);
    assert.equal(e.properties['$lib'], 'analytics.js');
    assert.equal(e.properties['$page_name'], 'Home');
    assert.equal(e.properties['$title'], 'Welcome');
  });

  it('derives a deterministic uuid from messageId, per project', () => {
    const m = { type: 'track', event: 'x', userId: 'u', messageId: 'node-next-123' };
    assert.equal(ok(m).uuid, ok(m).uuid);
    assert.notEqual(ok(m).uuid, ok(m, { ...ctx, projectId: 'p2' }).uuid);
  });

  it('corrects skew with sentAt and fills a missing type from the route', () => {
    const e = ok(
      {
        event: 'x',
        userId: 'u',
        timestamp: '2020-01-01T00:00:00.000Z',
        sentAt: '2020-01-01T00:00:01.000Z',
      },
      { ...ctx, impliedType: 'track' },
    );
    assert.equal(e.timestamp, NOW - 1000);
    assert.equal(normalizeSegmentMessage({ event: 'x', userId: 'u' }, ctx).ok, false);
  });

  it('refuses messages without ids, track without event, alias without previousId', () => {
    const reasons = [
      { type: 'track', event: 'x' },
      { type: 'track', userId: 'u' },
      { type: 'alias', userId: 'u' },
      { type: 'track', event: 'x', userId: 'u'.repeat(201) },
    ].map((m) => {
      const r = normalizeSegmentMessage(m, ctx);
      return r.ok ? 'accepted' : r.reason;
    });
    assert.deepEqual(reasons, [
      'userId or anonymousId is missing',
      'track needs an event name',
      'alias needs previousId and userId',
      'userId is longer than 200 characters',
    ]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { type EdgeServer, startEdgeServer } from './testing/edge-server.js';

// posthog-node and analytics-node are server SDKs: isbot calls their agents bots, which must not matter.
let server: EdgeServer;
before(async () => {
  server = await startEdgeServer({ projects: { phc_node: { id: 'pn', botFiltering: true } } });
});
after(() => server.close());

describe('real server SDKs against the capture edge', () => {
  it('posthog-node: capture, identify, alias, groupIdentify and flags arrive normalised', async () => {
    server.sink.clear();
    const client = new PostHog('phc_node', { host: server.url, flushAt: 100, flushInterval: 0 });
    client.capture({
      distinctId: 'u1',
      event: 'purchased',
      properties: { amount: 5 },
      groups: { company: 'acme' },
    });
    client.identify({ distinctId: 'u1', properties: { email: 'u1@x.io' } });
    client.alias({ distinctId: 'u1', alias: 'old-id' });
    client.groupIdentify({ groupType: 'company', groupKey: 'acme', properties: { name: 'Acme' } });
    const flag = await client.getFeatureFlag('beta', 'u1');
    await client.shutdown();
    assert.equal(flag, undefined);
    const byName = new Map(server.sink.events.map((e) => [e.event, e]));
    assert.deepEqual([...byName.keys()].sort(), [
      '$create_alias',
      '$feature_flag_called',
      '$groupidentify',
      '$identify',
      'purchased',
    ]);
    const purchased = byName.get('purchased');
    assert.equal(purchased?.distinctId, 'u1');
    assert.equal(purchased?.properties['amount'], 5);
    assert.deepEqual(purchased?.groups, { company: 'acme' });
    assert.equal(purchased?.projectId, 'pn');
    assert.ok(Math.abs((purchased?.timestamp ?? 0) - Date.now()) < 60_000);
    assert.deepEqual(byName.get('$identify')?.personOps?.set, { email: 'u1@x.io' });
    assert.deepEqual(byName.get('$create_alias')?.identity, {
      kind: 'alias',
      otherDistinctId: 'old-id',
    });
    assert.deepEqual(byName.get('$groupidentify')?.groupIdentify, {
      groupType: 'company',
      groupKey: 'acme',
      set: { name: 'Acme' },
    });
    assert.equal(server.sink.droppedCount('pn'), 0);
  });

  it('@segment/analytics-node: track, identify, page, screen, group, alias arrive normalised', async () => {
    server.sink.clear();
    const analytics = new Analytics({
      writeKey: 'phc_node',
      host: server.url,
      maxEventsInBatch: 50,
      flushInterval: 50,
    });
    const failures: unknown[] = [];
    analytics.on('error', (e) => failures.push(e));
    analytics.track({
      userId: 'u2',
      anonymousId: 'a2',
      event: 'Order Completed',
      properties: { total: 9 },
    });
    analytics.identify({ userId: 'u2', traits: { plan: 'pro' } });
    analytics.page({
      anonymousId: 'a2',
      name: 'Home',
      properties: { url: 'https://x.io/?utm_source=seg' },
    });
    analytics.screen({ userId: 'u2', name: 'Main' });
    analytics.group({ userId: 'u2', groupId: 'org1', traits: { name: 'Org' } });
    analytics.alias({ userId: 'u2', previousId: 'a2' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    assert.deepEqual(failures, []);
    const byName = new Map(server.sink.events.map((e) => [e.event, e]));
    assert.deepEqual([...byName.keys()].sort(), [
      '$create_alias',
      '$groupidentify',
      '$identify',
      '$pageview',
      '$screen',
      'Order Completed',
    ]);
    assert.deepEqual(byName.get('Order Completed')?.identity, {
      kind: 'link',
      otherDistinctId: 'a2',
    });
    assert.equal(byName.get('Order Completed')?.properties['total'], 9);
    assert.equal(byName.get('$pageview')?.utmSource, 'seg');
    assert.deepEqual(byName.get('$identify')?.personOps, { set: { plan: 'pro' } });
    assert.deepEqual(byName.get('$groupidentify')?.groups, { company: 'org1' });
    assert.deepEqual(byName.get('$create_alias')?.identity, {
      kind: 'alias',
      otherDistinctId: 'a2',
    });
    assert.equal(byName.get('$screen')?.properties['$screen_name'], 'Main');
    // Retries dedupe: messageId-derived uuids are unique per message.
    assert.equal(new Set(server.sink.events.map((e) => e.uuid)).size, server.sink.events.length);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

interface RecentPage {
  events: {
    uuid: string;
    event: string;
    distinctId: string;
    properties: Record<string, unknown>;
  }[];
  cursor: string | null;
  skipped: boolean;
}

describe('live events: recent stream, event and property names', () => {
  let server: TestServer;
  let t: Tenant;
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'live');
  });
  after(async () => {
    await server.dispose();
  });

  async function get<T>(path: string, key = t.keys.read): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function capture(events: { event: string; properties?: Record<string, unknown> }[]) {
    const res = await fetch(`${server.url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        api_key: t.project.writeKey,
        batch: events.map((e) => ({ distinct_id: 'visitor-1', ...e })),
      }),
    });
    assert.equal(res.status, 200);
  }

  /** Polls until the stream holds `n` events past `after` (the flusher runs in the background). */
  async function waitFor(n: number, afterCursor?: string): Promise<RecentPage> {
    const q = afterCursor ? `?after=${encodeURIComponent(afterCursor)}` : '';
    for (let i = 0; i < 100; i++) {
      const r = await get<RecentPage>(`/events/recent${q}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (r.body.events.length >= n) return r.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fewer than ${n} events arrived`);
  }

  it('answers an empty stream with no cursor', async () => {
    const r = await get<RecentPage>('/events/recent');
    assert.deepEqual(r.body, { events: [], cursor: null, skipped: false });
  });

  it('shows captured events newest first and then only what arrived after the cursor', async () => {
    await capture([{ event: 'first', properties: { plan: 'pro' } }]);
    const one = await waitFor(1);
    assert.deepEqual(
      one.events.map((e) => e.event),
      ['first'],
    );
    assert.equal(one.events[0]?.distinctId, 'visitor-1');
    assert.equal(one.events[0]?.properties['plan'], 'pro');
    assert.ok(one.cursor);

    // Back-dated events still come after the cursor: the stream follows arrival.
    await capture([{ event: 'second' }, { event: 'third', properties: { $time: 1 } }]);
    const next = await waitFor(2, one.cursor);
    assert.deepEqual(next.events.map((e) => e.event).sort(), ['second', 'third']);
    assert.equal(next.skipped, false);
    const idle = await get<RecentPage>(`/events/recent?after=${next.cursor}`);
    assert.deepEqual(idle.body, { events: [], cursor: next.cursor, skipped: false });

    const all = await get<RecentPage>('/events/recent?limit=2');
    assert.equal(all.body.events.length, 2);
    assert.equal(all.body.skipped, true, 'three events, two asked for');
    assert.equal(
      all.body.events.some((e) => e.event === 'first'),
      false,
      'oldest left out',
    );
  });

  it('lists event names with counts and property names of sampled events', async () => {
    await capture([{ event: 'first', properties: { plan: 'team', seats: 3 } }]);
    await waitFor(4);
    const names = await get<{ events: { name: string; count: number; lastSeen: number }[] }>(
      '/events/names',
    );
    assert.equal(names.status, 200);
    const first = names.body.events.find((e) => e.name === 'first');
    assert.equal(first?.count, 2);
    assert.ok((first?.lastSeen ?? 0) > Date.now() - 60_000);
    assert.equal(names.body.events[0]?.name, 'first', 'most frequent first');
    const props = await get<{ properties: { name: string; count: number }[] }>(
      '/events/properties?event=first',
    );
    const byName = new Map(props.body.properties.map((p) => [p.name, p.count]));
    assert.equal(byName.get('plan'), 2);
    assert.equal(byName.get('seats'), 1);
    const none = await get<{ properties: unknown[] }>('/events/properties?event=never');
    assert.deepEqual(none.body.properties, []);
  });

  it('refuses a forged cursor and an oversized limit with a 400', async () => {
    const forged = await get<{ error: { code: string } }>("/events/recent?after=1_'--");
    assert.equal(forged.status, 400);
    assert.equal(forged.body.error.code, 'validation_failed');
    const big = await get<{ error: { code: string } }>('/events/recent?limit=100000');
    assert.equal(big.status, 400);
  });
});

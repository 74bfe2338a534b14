import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Body = Record<string, unknown>;

/** Deletion through the whole write path: capture, spool, flusher, both stores. */
describe('person deletion', () => {
  let server: TestServer;
  let t: Tenant;
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'del');
  });
  after(async () => {
    await server.dispose();
  });

  async function capture(batch: Body[]): Promise<void> {
    const res = await fetch(`${server.url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: t.project.writeKey, batch }),
    });
    assert.equal(res.status, 200, await res.text());
  }
  async function call(method: string, path: string) {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
      method,
      headers: { authorization: `Bearer ${t.keys.admin}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
  }
  /** Waits until the flusher has stored everything spooled. */
  async function flushed(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (server.ctx.ingestion.stats().spooledEvents === 0) return;
      await sleep(25);
    }
    assert.fail('the spool never drained');
  }
  async function personOf(distinctId: string): Promise<Body | undefined> {
    const list = await call('GET', '/persons?limit=100');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    return (list.body['persons'] as Body[]).find((p) =>
      (p['distinctIds'] as string[]).includes(distinctId),
    );
  }
  const count = async (sql: string, ...parameters: string[]) =>
    Number(
      (await server.ctx.events.execute<{ n: number }>({ sql, parameters }))[0]?.n ?? Number.NaN,
    );

  it('forgets events, profile and identity: an old id comes back as a fresh person', async () => {
    const at = Date.now() - 60_000;
    await capture([
      { event: 'pageview', distinct_id: 'anon-1', timestamp: new Date(at).toISOString() },
      {
        event: 'signup',
        distinct_id: 'ada',
        timestamp: new Date(at + 1000).toISOString(),
        properties: { $set: { email: 'ada@example.com', name: 'Ada' } },
      },
      { event: 'pageview', distinct_id: 'bob', properties: { $set: { name: 'Bob' } } },
    ]);
    await flushed();
    // Two persons until now; the identify merges the anonymous one into Ada.
    await capture([
      {
        event: '$identify',
        distinct_id: 'ada',
        timestamp: new Date(at + 2000).toISOString(),
        properties: { $anon_distinct_id: 'anon-1', $set: { plan: 'pro' } },
      },
    ]);
    await flushed();
    const ada = await personOf('ada');
    assert.ok(ada, 'Ada is listed');
    assert.deepEqual([...(ada['distinctIds'] as string[])].sort(), ['ada', 'anon-1']);
    const adaId = String(ada['id']);

    // Still spooled when the deletion starts: it must be stored and deleted with the rest.
    await capture([{ event: 'late', distinct_id: 'anon-1' }]);
    const del = await call('DELETE', `/persons/${adaId}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.deepEqual(del.body['deleted'], { events: 4, distinctIds: 2, segmentRows: 0 });

    const projectEvents = `SELECT count(*) AS n FROM events WHERE project_id = $1`;
    assert.equal(await count(projectEvents, t.project.id), 1, 'only Bob’s event is left');
    assert.equal(
      await count(
        `SELECT count(*) AS n FROM events WHERE project_id = $1 AND distinct_id IN ('ada', 'anon-1')`,
        t.project.id,
      ),
      0,
    );
    assert.equal((await call('GET', `/persons/${adaId}`)).status, 404);
    assert.equal(await personOf('ada'), undefined);

    await capture([{ event: 'pageview', distinct_id: 'anon-1' }]);
    await flushed();
    const fresh = await personOf('anon-1');
    assert.ok(fresh, 'the old id starts a new person');
    assert.notEqual(fresh['id'], adaId);
    assert.deepEqual(fresh['distinctIds'], ['anon-1']);
    const profile = await call('GET', `/persons/${String(fresh['id'])}`);
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
    const text = JSON.stringify(profile.body);
    for (const old of ['ada@example.com', 'Ada', 'pro'])
      assert.ok(!text.includes(JSON.stringify(old)), `${old} is gone: ${text}`);
    const bob = await personOf('bob');
    assert.equal((bob?.['properties'] as Body | undefined)?.['name'], 'Bob');
    assert.equal((await call('DELETE', `/persons/${adaId}`)).status, 404);
  });
});

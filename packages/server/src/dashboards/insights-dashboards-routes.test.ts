import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Json = Record<string, unknown>;
interface Insight {
  id: string;
  name: string;
  query: Json;
  display: Json;
}
interface Dash {
  id: string;
  name: string;
  tiles: { insightId: string; width: number }[];
}

describe('saved insights and dashboards over HTTP', () => {
  let server: TestServer;
  let t: Tenant;
  let other: Tenant;
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'dash');
    other = await makeTenant(server.ctx, server.url, 'dash-other');
  });
  after(async () => {
    await server.dispose();
  });

  async function call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    options: { key?: string; tenant?: Tenant } = {},
  ): Promise<{ status: number; body: T }> {
    const tenant = options.tenant ?? t;
    const res = await fetch(`${server.url}/api/projects/${tenant.project.id}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.key ?? tenant.keys.write}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
  const trends = {
    kind: 'trends',
    dateRange: { from: '2024-03-01', to: '2024-03-07' },
    series: [{ event: 'signup' }],
  };

  async function save(name: string, tenant = t): Promise<Insight> {
    const r = await call<{ insight: Insight }>(
      'POST',
      '/insights',
      { name, query: trends, display: { chart: 'bar', rollingDays: 7 } },
      { tenant },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.insight;
  }

  it('saves an insight with the query as the query API reads it, and lists it', async () => {
    const saved = await save('Signups');
    assert.match(saved.id, /^ins_/);
    // Defaults are filled in, as the query API would run it.
    assert.equal(saved.query['interval'], 'day');
    assert.deepEqual(saved.display, { chart: 'bar', rollingDays: 7 });
    const list = await call<{ insights: Insight[] }>('GET', '/insights', undefined, {
      key: t.keys.read,
    });
    assert.deepEqual(
      list.body.insights.map((i) => i.name),
      ['Signups'],
    );
    const renamed = await call<{ insight: Insight }>('PATCH', `/insights/${saved.id}`, {
      name: 'New signups',
    });
    assert.equal(renamed.body.insight.name, 'New signups');
    assert.equal(renamed.body.insight.query['kind'], 'trends');
  });

  it('refuses an insight whose query the query API would refuse, naming the field', async () => {
    const r = await call<{ error: { code: string; issues: { path: string }[] } }>(
      'POST',
      '/insights',
      {
        name: 'Bad',
        query: { kind: 'funnel', dateRange: trends.dateRange, steps: [{ event: 'a' }] },
      },
    );
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'validation_failed');
    assert.ok(
      r.body.error.issues.some((i) => i.path.includes('steps')),
      JSON.stringify(r.body),
    );
    const empty = await call('POST', '/insights', { name: '  ', query: trends });
    assert.equal(empty.status, 400);
    const big = await call('POST', '/insights', {
      name: 'Big',
      query: trends,
      display: { blob: 'x'.repeat(9000) },
    });
    assert.equal(big.status, 400);
  });

  it('builds a dashboard of saved insights, rearranges it and returns its insights', async () => {
    const a = await save('Tile A');
    const b = await save('Tile B');
    const created = await call<{ dashboard: Dash }>('POST', '/dashboards', { name: 'Growth' });
    assert.equal(created.status, 201);
    const id = created.body.dashboard.id;
    assert.deepEqual(created.body.dashboard.tiles, []);

    const placed = await call<{ dashboard: Dash }>('PATCH', `/dashboards/${id}`, {
      tiles: [{ insightId: a.id }, { insightId: b.id, width: 2 }],
    });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.deepEqual(placed.body.dashboard.tiles, [
      { insightId: a.id, width: 1 },
      { insightId: b.id, width: 2 },
    ]);
    await call('PATCH', `/dashboards/${id}`, {
      tiles: [
        { insightId: b.id, width: 2 },
        { insightId: a.id, width: 1 },
      ],
    });
    const read = await call<{ dashboard: Dash; insights: Insight[] }>(
      'GET',
      `/dashboards/${id}`,
      undefined,
      { key: t.keys.read },
    );
    assert.deepEqual(
      read.body.dashboard.tiles.map((x) => x.insightId),
      [b.id, a.id],
    );
    assert.deepEqual(
      read.body.insights.map((i) => i.name),
      ['Tile B', 'Tile A'],
    );

    // Deleting an insight takes it off the dashboard.
    assert.equal((await call('DELETE', `/insights/${b.id}`)).status, 204);
    const after = await call<{ dashboard: Dash }>('GET', `/dashboards/${id}`);
    assert.deepEqual(after.body.dashboard.tiles, [{ insightId: a.id, width: 1 }]);
    assert.equal((await call('DELETE', `/dashboards/${id}`)).status, 204);
    assert.equal((await call('GET', `/dashboards/${id}`)).status, 404);
    assert.equal((await call('GET', `/insights/${a.id}`)).status, 200, 'insights outlive it');
  });

  it("refuses tiles of another project's insights and repeated tiles", async () => {
    const mine = await save('Mine');
    const theirs = await save('Theirs', other);
    const d = await call<{ dashboard: Dash }>('POST', '/dashboards', { name: 'Mixed' });
    const foreign = await call<{ error: { issues: { path: string; message: string }[] } }>(
      'PATCH',
      `/dashboards/${d.body.dashboard.id}`,
      { tiles: [{ insightId: mine.id }, { insightId: theirs.id }] },
    );
    assert.equal(foreign.status, 400);
    assert.deepEqual(
      foreign.body.error.issues.map((i) => i.path),
      ['body.tiles.1.insightId'],
    );
    const twice = await call('PATCH', `/dashboards/${d.body.dashboard.id}`, {
      tiles: [{ insightId: mine.id }, { insightId: mine.id }],
    });
    assert.equal(twice.status, 400);
    // Another project's ids read as missing, never as forbidden-but-existing.
    assert.equal((await call('GET', `/insights/${theirs.id}`)).status, 404);
    assert.equal((await call('DELETE', `/insights/${theirs.id}`)).status, 404);
  });

  it('lets a read key read but not save', async () => {
    const r = await call('POST', '/insights', { name: 'x', query: trends }, { key: t.keys.read });
    assert.equal(r.status, 403);
    const d = await call('POST', '/dashboards', { name: 'x' }, { key: t.keys.read });
    assert.equal(d.status, 403);
  });
});

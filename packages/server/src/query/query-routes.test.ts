import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Reply = Record<string, unknown> & { steps?: { count: number }[]; cohorts?: unknown[] };

describe('POST /api/projects/:projectId/query', () => {
  let server: TestServer;
  let t: Tenant;
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'qry');
  });
  after(async () => {
    await server.dispose();
  });

  async function post(body: unknown, key: string | null = t.keys.read) {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}/query`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Reply };
  }
  const range = { from: '2024-03-01', to: '2024-03-03' };

  it('answers a trend with a point per day, in the project timezone', async () => {
    const r = await post({ kind: 'trends', dateRange: range, series: [{ event: 'signup' }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, {
      series: [
        {
          label: 'signup (total)',
          seriesIndex: 0,
          breakdownValue: null,
          period: 'current',
          points: ['2024-03-01', '2024-03-02', '2024-03-03'].map((date) => ({ date, value: 0 })),
          total: 0,
        },
      ],
    });
  });

  it('answers funnels and retention', async () => {
    const f = await post({
      kind: 'funnel',
      dateRange: range,
      steps: [{ event: 'a' }, { event: 'b' }],
    });
    assert.equal(f.status, 200);
    assert.deepEqual(
      (f.body.steps ?? []).map((s) => s.count),
      [0, 0],
    );
    const r = await post({
      kind: 'retention',
      dateRange: range,
      startEvent: { event: 'a' },
      returnEvent: { event: 'a' },
      periods: 2,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.cohorts?.length, 3);
  });

  it('names the wrong field in a 400', async () => {
    const bad = await post({
      kind: 'trends',
      dateRange: range,
      series: [{ event: 'a', math: 'sum' }],
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /property/);
    const seg = await post({
      kind: 'trends',
      dateRange: range,
      series: [{ event: 'a' }],
      filters: { segment: 's1' },
    });
    assert.equal(seg.status, 400);
    assert.match(JSON.stringify(seg.body), /filters\.segment/);
    const unknownSegment = await post({ kind: 'persons', where: { not: { segment: 'vip' } } });
    assert.equal(unknownSegment.status, 400);
    assert.match(JSON.stringify(unknownSegment.body), /where\.not\.segment.*vip/);
  });

  it('refuses callers without access', async () => {
    assert.equal(
      (await post({ kind: 'trends', dateRange: range, series: [{ event: 'a' }] }, null)).status,
      401,
    );
  });
});

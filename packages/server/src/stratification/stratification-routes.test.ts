import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { personUuid, writeWorld } from '../people/test-world.js';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Body = Record<string, unknown>;
const DAY = 86_400_000;

describe('stratification, RFM, churn risk and portraits API', () => {
  let server: TestServer;
  let t: Tenant;
  const now = Date.now();
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'str');
    const steady = Array.from({ length: 8 }, (_, i) => ({
      person: 1,
      event: 'use',
      at: now - (60 - i * 6) * DAY,
    }));
    await writeWorld(server.ctx, t.project.id, {
      persons: [
        { id: personUuid(0), distinctIds: ['a'], properties: { plan: 'pro' } },
        { id: personUuid(1), distinctIds: ['b'], properties: { plan: 'free' } },
        { id: personUuid(2), distinctIds: ['c'], properties: { plan: 'pro' } },
      ],
      events: [
        { person: 0, event: 'signup', at: now - 3 * DAY },
        { person: 0, event: 'purchase', at: now - 2 * DAY, properties: { amount: 50 } },
        { person: 0, event: 'purchase', at: now - 1 * DAY, properties: { amount: 25 } },
        ...steady,
        { person: 1, event: 'purchase', at: now - 20 * DAY, properties: { amount: 10 } },
        { person: 2, event: 'view', at: now - 200 * DAY },
      ],
    });
  });
  after(async () => {
    await server.dispose();
  });

  async function call(method: string, path: string, body?: unknown, key = t.keys.read) {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Body };
  }
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  it('counts stages per period with flows, under the project’s definitions', async () => {
    const bad = await call(
      'PUT',
      '/stratification/config',
      {
        activationEvent: 'signup',
        activeEvents: [],
        engagedDays: 7,
        engagedMinActiveDays: 2,
        atRiskDays: 30,
        dormantDays: 20,
        churnedDays: 90,
      },
      t.keys.write,
    );
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /dormantDays/);
    const put = await call(
      'PUT',
      '/stratification/config',
      {
        activationEvent: 'signup',
        activeEvents: ['use', 'purchase', 'signup'],
        engagedDays: 7,
        engagedMinActiveDays: 2,
        atRiskDays: 14,
        dormantDays: 30,
        churnedDays: 90,
      },
      t.keys.write,
    );
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const r = await call(
      'GET',
      `/stratification?from=${day(now - 6 * DAY)}&to=${day(now)}&interval=day`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const periods = r.body['periods'] as { counts: Record<string, number> }[];
    const last = periods.at(-1)?.counts ?? {};
    // Ada: signed up and active on 3 days → engaged; Bob: last active 18 days ago → at risk;
    // Cy: only a view 200 days ago → churned.
    assert.deepEqual(last, {
      new: 0,
      activated: 0,
      engaged: 1,
      at_risk: 1,
      dormant: 0,
      churned: 1,
      resurrected: 0,
    });
    const flows = r.body['flows'] as { links: { from: string; to: string }[] }[];
    assert.equal(flows.length, periods.length - 1);
    assert.ok(flows.some((f) => f.links.some((l) => l.from === 'none' && l.to !== 'none')));
  });

  it('scores RFM with tiers and lists churn risk with a reason', async () => {
    const rfm = await call('GET', '/rfm');
    assert.equal(rfm.status, 200, JSON.stringify(rfm.body));
    assert.equal(rfm.body['scored'], 2);
    const persons = rfm.body['persons'] as Body[];
    assert.deepEqual(
      persons.map((p) => [p['id'], p['monetary'], p['frequency']]),
      [
        [personUuid(0), 75, 2],
        [personUuid(1), 10, 1],
      ],
    );
    const risk = await call('GET', '/churn-risk');
    assert.equal(risk.status, 200, JSON.stringify(risk.body));
    const listed = risk.body['persons'] as Body[];
    assert.deepEqual(
      listed.map((p) => p['id']),
      [personUuid(1)],
    );
    assert.match(String(listed[0]?.['reason']), /in the last 14 days/);
  });

  it('draws a segment’s portrait against everyone, with lift', async () => {
    const seg = await call(
      'POST',
      '/segments',
      { name: 'Buyers', filter: { performed: 'purchase', within: { days: 7 } } },
      t.keys.write,
    );
    assert.equal(seg.status, 201, JSON.stringify(seg.body));
    const r = await call(
      'GET',
      `/portraits?segmentId=${String(seg.body['id'])}&properties=person.plan`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body['segment'], { id: seg.body['id'], size: 1 });
    assert.equal(r.body['everyone'], 3);
    const plan = (r.body['properties'] as { values: Body[] }[])[0]?.values ?? [];
    const pro = plan.find((v) => v['value'] === 'pro');
    assert.equal(pro?.['segmentShare'], 1);
    assert.equal(pro?.['lift'], 1.5);
    const events = r.body['events'] as Body[];
    assert.equal(events[0]?.['event'], 'signup');
    assert.equal((await call('GET', '/portraits?segmentId=seg_nope')).status, 400);
    assert.equal((await call('GET', '/portraits?segmentId=x&properties=plan')).status, 400);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Filter } from '@opsloop/schema';
import { personUuid, writeWorld } from '../people/test-world.js';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { parseIdCsv } from './csv.js';
import { peopleJobsOf } from './job.js';

type Body = Record<string, unknown>;
const DAY = 86_400_000;

describe('segments API', () => {
  let server: TestServer;
  let t: Tenant;
  const now = Date.now();
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'seg');
    await writeWorld(server.ctx, t.project.id, {
      persons: [
        { id: personUuid(0), distinctIds: ['a'], properties: { email: 'A@x.com', plan: 'pro' } },
        { id: personUuid(1), distinctIds: ['b'], properties: { email: 'b@x.com', plan: 'free' } },
        { id: personUuid(2), distinctIds: ['c', 'c2'], properties: { plan: 'pro' } },
      ],
      events: [
        { person: 0, event: 'purchase', at: now - 3 * DAY },
        { person: 0, event: 'purchase', at: now - 2 * DAY },
        { person: 1, event: 'purchase', at: now - 3 * DAY },
        { person: 1, event: 'purchase', at: now - 2 * DAY },
        { person: 1, event: 'app_open', at: now - 1 * DAY },
        { person: 2, event: 'purchase', at: now - 1 * DAY },
      ],
    });
  });
  after(async () => {
    await server.dispose();
  });

  async function call(method: string, path: string, body?: unknown, key = t.keys.write) {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: Body = {};
    try {
      parsed = text ? (JSON.parse(text) as Body) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  }
  const buyers: Filter = {
    and: [
      { performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } },
      { notPerformed: 'app_open', within: { days: 14 } },
    ],
  };

  it('saves a behavioural segment, computes it and logs entries', async () => {
    const r = await call('POST', '/segments', { name: 'Repeat buyers', filter: buyers });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body['size'], 1);
    const id = String(r.body['id']);
    const members = await call('GET', `/segments/${id}/members`, undefined, t.keys.read);
    assert.deepEqual(members.body['members'], [personUuid(0)]);
    const changes = await call('GET', `/segments/${id}/changes`, undefined, t.keys.read);
    assert.deepEqual(
      (changes.body['changes'] as Body[]).map((c) => [c['personId'], c['change']]),
      [[personUuid(0), 'entered']],
    );
    // Widen it: Bob (who opened the app) enters, through PATCH and a recompute.
    const patched = await call('PATCH', `/segments/${id}`, {
      filter: { performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body['size'], 2);
    const sizes = await call('GET', `/segments/${id}/sizes`, undefined, t.keys.read);
    assert.deepEqual(
      (sizes.body['sizes'] as Body[]).map((s) => s['size']),
      [1, 2],
    );
    const csv = await fetch(
      `${server.url}/api/projects/${t.project.id}/segments/${id}/members.csv`,
      {
        headers: { authorization: `Bearer ${t.keys.read}` },
      },
    );
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.equal(await csv.text(), `person_id\n${personUuid(0)}\n${personUuid(1)}\n`);
    const person = await call('GET', `/persons/${personUuid(1)}`, undefined, t.keys.read);
    assert.deepEqual(
      (person.body['segments'] as Body[]).map((s) => s['name']),
      ['Repeat buyers'],
    );
  });

  it('uses segments as filters in queries and other segments; refuses cycles by name', async () => {
    const a = await call('POST', '/segments', {
      name: 'Pro',
      filter: { property: 'plan', on: 'person', op: 'eq', value: 'pro' },
    });
    const aId = String(a.body['id']);
    const b = await call('POST', '/segments', {
      name: 'Pro buyers',
      filter: { and: [{ segment: aId }, { performed: 'purchase', within: { days: 30 } }] },
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal(b.body['size'], 2);
    const bId = String(b.body['id']);
    const cyc = await call('PATCH', `/segments/${aId}`, { filter: { segment: bId } });
    assert.equal(cyc.status, 400);
    assert.match(
      String((cyc.body['error'] as Body)['message']),
      new RegExp(`${aId}.*${bId}.*${aId}`),
    );
    assert.equal((await call('GET', `/segments/${aId}`)).body['size'], 2, 'unchanged');
    const q = await call(
      'POST',
      '/query',
      {
        kind: 'trends',
        dateRange: {
          from: new Date(now - 5 * DAY).toISOString().slice(0, 10),
          to: new Date(now).toISOString().slice(0, 10),
        },
        series: [{ event: 'purchase' }],
        filters: { segment: bId },
      },
      t.keys.read,
    );
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const series = q.body['series'] as { total: number }[];
    assert.equal(series[0]?.total, 3, 'Ada’s two purchases and Cy’s one');
    const unknown = await call('POST', '/segments', { name: 'x', filter: { segment: 'seg_gone' } });
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body), /seg_gone/);
    const typo = await call('POST', '/segments', {
      name: 'x',
      filter: { property: 'plann', on: 'person', op: 'eq', value: 'pro' },
    });
    assert.equal(typo.status, 400);
    assert.match(JSON.stringify(typo.body), /plann/);
    const list = await call('GET', '/segments', undefined, t.keys.read);
    assert.equal(
      (list.body['segments'] as Body[]).filter((s) => s['name'] === 'x').length,
      0,
      'nothing partial saved',
    );
  });

  it('creates static segments from CSV, reporting unmatched rows', async () => {
    const r = await call('POST', '/segments/static', {
      name: 'Uploaded',
      matchBy: 'email',
      csv: 'email\na@x.com\n"b@x.com"\nnobody@x.com\n',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body['matched'], 2);
    assert.deepEqual(r.body['unmatched'], [{ line: 4, value: 'nobody@x.com' }]);
    assert.equal((r.body['segment'] as Body)['size'], 2);
    const byId = await call('POST', '/segments/static', { name: 'Ids', csv: 'c2\nzzz' });
    assert.equal((byId.body['segment'] as Body)['size'], 1);
    const bad = await call('POST', '/segments/static', { name: 'Bad', csv: 'id\n"open' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /line 2/);
    const segId = String((byId.body['segment'] as Body)['id']);
    const q = await call(
      'GET',
      `/persons?where=${encodeURIComponent(JSON.stringify({ segment: segId }))}`,
      undefined,
      t.keys.read,
    );
    assert.deepEqual(
      (q.body['persons'] as Body[]).map((p) => p['id']),
      [personUuid(2)],
    );
  });

  it('lets only writers change segments and computes new ones on the job loop', async () => {
    const r = await call('POST', '/segments', { name: 'ro', filter: buyers }, t.keys.read);
    assert.equal(r.status, 403);
    // Saved without a computation (as after an import): the next round computes it.
    const raw = await server.ctx.meta.segments.create({
      projectId: t.project.id,
      name: 'Later',
      kind: 'dynamic',
      filter: buyers,
    });
    assert.equal(raw.computedAt, null);
    const jobs = peopleJobsOf(server.ctx);
    assert.ok(jobs);
    await jobs.runOnce();
    const done = await server.ctx.meta.segments.byId(raw.id);
    assert.notEqual(done?.computedAt, null);
    assert.equal(done?.size, 1);
    assert.equal((await call('DELETE', `/segments/${raw.id}`)).status, 204);
    assert.equal((await call('GET', `/segments/${raw.id}`)).status, 404);
  });

  it('parses CSV quoting and refuses malformed files', () => {
    assert.deepEqual(
      parseIdCsv('distinct_id,name\n"a,1","x"\r\nb,"say ""hi"""\n').map((v) => v.value),
      ['a,1', 'b'],
    );
    assert.throws(() => parseIdCsv(''), /empty/);
    assert.throws(() => parseIdCsv('a,b\n1,2'), /no distinct_id or email header/);
    assert.throws(() => parseIdCsv('email,x\n1'), /line 2: 1 fields/);
  });
});

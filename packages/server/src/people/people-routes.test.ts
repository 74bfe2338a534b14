import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { personUuid, writeWorld } from './test-world.js';

type Body = Record<string, unknown>;
const DAY = 86_400_000;

describe('people API', () => {
  let server: TestServer;
  let t: Tenant;
  let other: Tenant;
  const now = Date.now();
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'ppl');
    other = await makeTenant(server.ctx, server.url, 'ppo');
    await writeWorld(server.ctx, t.project.id, {
      persons: [
        {
          id: personUuid(0),
          distinctIds: ['ada-1', 'ada-2'],
          properties: { email: 'ada@example.com', name: 'Ada', plan: 'pro' },
        },
        {
          id: personUuid(1),
          distinctIds: ['bob-1'],
          properties: { email: 'bob@example.com', name: 'Bob', plan: 'free' },
        },
        { id: personUuid(2), distinctIds: ['cy-1'], properties: { name: 'Cy' } },
      ],
      events: [
        { person: 0, event: 'signup', at: now - 10 * DAY, set: { plan: 'free' } },
        {
          person: 0,
          event: 'purchase',
          at: now - 3 * DAY,
          properties: { amount: 20 },
          groups: { company: 'acme' },
        },
        {
          person: 0,
          event: 'purchase',
          at: now - 2 * DAY,
          properties: { amount: 30 },
          set: { plan: 'pro' },
        },
        { person: 1, event: 'signup', at: now - 5 * DAY },
        { person: 1, event: 'app_open', at: now - 1 * DAY },
        { person: 2, event: 'pageview', at: now - 40 * DAY },
      ],
    });
    // The other tenant has a person of the same id shape; it must never show up here.
    await writeWorld(server.ctx, other.project.id, {
      persons: [
        { id: personUuid(9), distinctIds: ['zed'], properties: { email: 'zed@example.com' } },
      ],
      events: [{ person: 0, event: 'signup', at: now - DAY }],
    });
  });
  after(async () => {
    await server.dispose();
  });

  async function call(method: string, path: string, key = t.keys.read) {
    const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
  }
  const where = (f: unknown) => `where=${encodeURIComponent(JSON.stringify(f))}`;

  it('lists persons newest first with distinct ids, email, name and seen times', async () => {
    const r = await call('GET', '/persons');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['count'], 3);
    const persons = r.body['persons'] as Body[];
    assert.deepEqual(
      persons.map((p) => p['name']),
      ['Cy', 'Bob', 'Ada'],
    );
    const ada = persons[2] ?? {};
    assert.deepEqual(ada['distinctIds'], ['ada-1', 'ada-2']);
    assert.equal(ada['email'], 'ada@example.com');
    assert.equal(ada['firstSeen'], new Date(now - 10 * DAY).toISOString());
    assert.equal(ada['lastSeen'], new Date(now - 2 * DAY).toISOString());
  });

  it('searches and filters, with paging', async () => {
    const s = await call('GET', '/persons?search=BOB');
    assert.deepEqual(
      (s.body['persons'] as Body[]).map((p) => p['name']),
      ['Bob'],
    );
    const byId = await call('GET', '/persons?search=ada-2');
    assert.deepEqual(
      (byId.body['persons'] as Body[]).map((p) => p['name']),
      ['Ada'],
    );
    const buyers = await call(
      'GET',
      `/persons?${where({ performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } })}`,
    );
    assert.equal(buyers.status, 200, JSON.stringify(buyers.body));
    assert.deepEqual(
      (buyers.body['persons'] as Body[]).map((p) => p['name']),
      ['Ada'],
    );
    const pro = await call(
      'GET',
      `/persons?${where({ property: 'plan', on: 'person', op: 'eq', value: 'free' })}`,
    );
    assert.deepEqual(
      (pro.body['persons'] as Body[]).map((p) => p['name']),
      ['Bob'],
    );
    const page = await call('GET', '/persons?limit=1&offset=1');
    assert.equal(page.body['count'], 3);
    assert.deepEqual(
      (page.body['persons'] as Body[]).map((p) => p['name']),
      ['Bob'],
    );
    const past = await call('GET', '/persons?limit=1&offset=10');
    assert.equal(past.body['count'], 3);
    assert.deepEqual(past.body['persons'], []);
  });

  it('names what is wrong with a filter', async () => {
    const typo = await call(
      'GET',
      `/persons?${where({ property: 'plna', on: 'person', op: 'eq', value: 'x' })}`,
    );
    assert.equal(typo.status, 400);
    assert.match(JSON.stringify(typo.body), /unknown person property \\"plna\\"/);
    const seg = await call('GET', `/persons?${where({ segment: 'seg_nope' })}`);
    assert.equal(seg.status, 400);
    assert.match(JSON.stringify(seg.body), /seg_nope/);
    const bad = await call('GET', '/persons?where=%7Bnot-json');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /query\.where/);
  });

  it('shows one person: properties with history, ids, seen times, groups', async () => {
    const r = await call('GET', `/persons/${personUuid(0)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body['properties'], { email: 'ada@example.com', name: 'Ada', plan: 'pro' });
    assert.deepEqual(r.body['distinctIds'], ['ada-1', 'ada-2']);
    assert.deepEqual(r.body['groups'], [{ type: 'company', key: 'acme' }]);
    assert.deepEqual(
      (r.body['propertyHistory'] as Body[]).map((h) => [h['event'], h['set']]),
      [
        ['purchase', { plan: 'pro' }],
        ['signup', { plan: 'free' }],
      ],
    );
    assert.equal(r.body['firstSeen'], new Date(now - 10 * DAY).toISOString());
    assert.deepEqual(r.body['segments'], []);
    assert.equal((await call('GET', `/persons/${personUuid(9)}`)).status, 404, 'other project');
    assert.equal((await call('GET', '/persons/not-a-uuid')).status, 404);
  });

  it('pages the timeline newest first with a cursor', async () => {
    const first = await call('GET', `/persons/${personUuid(0)}/events?limit=2`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(
      (first.body['events'] as Body[]).map((e) => e['timestamp']),
      [new Date(now - 2 * DAY).toISOString(), new Date(now - 3 * DAY).toISOString()],
    );
    const next = first.body['next'];
    assert.equal(typeof next, 'string');
    const second = await call(
      'GET',
      `/persons/${personUuid(0)}/events?limit=2&before=${String(next)}`,
    );
    assert.deepEqual(
      (second.body['events'] as Body[]).map((e) => e['event']),
      ['signup'],
    );
    assert.equal(second.body['next'], null);
    assert.equal((await call('GET', `/persons/${personUuid(0)}/events?before=junk`)).status, 400);
  });

  it('lists event and property definitions', async () => {
    const ev = await call('GET', '/definitions/events');
    assert.deepEqual(
      (ev.body['events'] as Body[]).map((e) => [e['name'], e['count']]),
      [
        ['purchase', 2],
        ['signup', 2],
        ['app_open', 1],
        ['pageview', 1],
      ],
    );
    const props = await call('GET', '/definitions/properties');
    const person = props.body['person'] as Body[];
    assert.deepEqual(person.map((p) => p['name']).sort(), ['email', 'name', 'plan']);
    const amount = (props.body['event'] as Body[]).find((p) => p['name'] === 'amount');
    assert.equal(amount?.['type'], 'ubigint');
    assert.deepEqual([...((amount?.['examples'] as string[]) ?? [])].sort(), ['20', '30']);
  });

  it('exports a person and deletes them (admin only): events gone, audit kept', async () => {
    const exp = await call('GET', `/persons/${personUuid(0)}/export`);
    assert.equal(exp.status, 200);
    assert.equal((exp.body['events'] as Body[]).length, 3);
    assert.equal((await call('DELETE', `/persons/${personUuid(0)}`, t.keys.write)).status, 403);
    const del = await call('DELETE', `/persons/${personUuid(0)}`, t.keys.admin);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.deepEqual(del.body['deleted'], { events: 3, distinctIds: 2, segmentRows: 0 });
    const left = await server.ctx.events.execute<{ n: number }>({
      sql: "SELECT count(*) AS n FROM events WHERE person_id = $1::UUID OR distinct_id LIKE 'ada-%'",
      parameters: [personUuid(0)],
    });
    assert.equal(Number(left[0]?.n), 0);
    assert.equal((await call('GET', `/persons/${personUuid(0)}`)).status, 404);
    assert.equal((await call('DELETE', `/persons/${personUuid(0)}`, t.keys.admin)).status, 404);
    const audit = await server.ctx.meta.audit.list(t.orgId, { limit: 10 });
    const entry = audit.find((a) => a.action === 'person.delete');
    assert.equal(entry?.target, personUuid(0));
    assert.equal((entry?.details as Body | undefined)?.['events'], 3);
    const list = await call('GET', '/persons');
    assert.equal(list.body['count'], 2);
  });
});

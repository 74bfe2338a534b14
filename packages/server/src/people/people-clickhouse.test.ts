import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
  TEST_CLUSTER,
} from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const skip = clickhouseSkipReason();
let ch: RunningClickHouse | undefined;
before(async () => {
  if (!skip) ch = await startClickHouse({ shards: 2 });
});
after(async () => {
  await ch?.stop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface PostHogEvent {
  readonly event: string;
  readonly distinct_id: string;
  readonly uuid: string;
  readonly timestamp: string;
  readonly properties: Record<string, unknown>;
}

/**
 * The traffic, in steps flushed one after the other (identities merge in
 * order). Times are relative to now (RFM, churn risk and stages look back
 * from now) and at least an hour old, so any time within the last ten
 * minutes in an answer is the server's own clock.
 */
function traffic(now: number): PostHogEvent[][] {
  let n = 0;
  const ev = (
    event: string,
    distinctId: string,
    daysAgo: number,
    properties: Record<string, unknown> = {},
  ): PostHogEvent => ({
    event,
    distinct_id: distinctId,
    uuid: randomUUID(),
    // Distinct instants, so every order is total.
    timestamp: new Date(now - daysAgo * DAY - 2 * HOUR + n++ * 1000).toISOString(),
    properties,
  });
  return [
    [
      ...[40, 38, 36, 33, 31].map((d) =>
        ev('app_open', 'anon-1', d, { source: 'ads', $browser: 'Firefox' }),
      ),
      ev('$pageview', 'anon-2', 20, { source: 'mail' }),
      ev('$pageview', 'anon-3', 19),
      ev('$pageview', 'user-4', 18, { $set: { name: 'Dan', plan: 'free' } }),
      ev('$pageview', 'anon-5', 2),
    ],
    [
      ev('$identify', 'user-1', 10, {
        $anon_distinct_id: 'anon-1',
        $set: { email: 'ann@example.test', name: 'Ann', plan: 'pro' },
        $set_once: { first_source: 'ads' },
      }),
      ev('purchase', 'user-1', 5, { amount: 30, $groups: { company: 'acme' } }),
      ev('$identify', 'user-2', 9, { $anon_distinct_id: 'anon-2', $set: { plan: 'free' } }),
    ],
    [
      ev('$identify', 'user-2', 8, {
        $anon_distinct_id: 'anon-3',
        $set: { email: 'Bob@Example.test', plan: 'pro' },
      }),
      ev('purchase', 'user-1', 3, { amount: 20 }),
      ev('purchase', 'user-2', 2, { amount: 100 }),
      ev('app_open', 'user-2', 1),
      ev('$pageview', 'user-1', 1, { source: 'ads' }),
    ],
  ];
}

type Json = unknown;

/** One server under test: its tenant and a way to call its API. */
interface Side {
  readonly server: TestServer;
  readonly t: Tenant;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Person id → a label the same on every store (its sorted distinct ids); segment ids too. */
  readonly labels: Map<string, string>;
}

async function side(server: TestServer, label: string): Promise<Side> {
  const t = await makeTenant(server.ctx, server.url, label);
  return {
    server,
    t,
    labels: new Map(),
    async call(method, path, body) {
      const res = await fetch(`${server.url}/api/projects/${t.project.id}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${method === 'GET' ? t.keys.read : t.keys.admin}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: Json = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed };
    },
  };
}

async function flushed(server: TestServer): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (server.ctx.ingestion.stats().spooledEvents === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the spool did not drain');
}

async function send(s: Side, batch: readonly PostHogEvent[]): Promise<void> {
  const res = await fetch(`${s.server.url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: s.t.project.writeKey, batch }),
  });
  assert.equal(res.status, 200, await res.text());
  await flushed(s.server);
}

/**
 * An answer with what differs between stores by design replaced: person and
 * segment ids by their labels (also inside text, e.g. a CSV), the project id,
 * and times the server took from its clock during the test.
 */
function normalised(s: Side, v: Json, since: number): Json {
  const fix = (x: Json): Json => {
    if (typeof x === 'string') {
      const t = Date.parse(x);
      if (/^\d{4}-\d\d-\d\dT/.test(x) && t >= since) return '<now>';
      let out = x.replaceAll(s.t.project.id, '<project>');
      for (const [id, label] of s.labels) out = out.replaceAll(id, label);
      return out;
    }
    if (Array.isArray(x)) return x.map(fix);
    if (x !== null && typeof x === 'object')
      return Object.fromEntries(
        Object.entries(x).map(([k, val]) => [
          k,
          k === 'seq' || k === 'computedAt' || k === 'lastComputedAt' ? '<seq>' : fix(val),
        ]),
      );
    return x;
  };
  return fix(v);
}

interface PersonWire {
  id: string;
  distinctIds: string[];
}

/**
 * Lists in a fixed order (and CSV lines too), for answers ordered by person
 * id, which differs between the stores.
 */
function unordered(v: Json): Json {
  if (typeof v === 'string' && v.includes('\n')) return v.split('\n').sort().join('\n');
  if (Array.isArray(v))
    return v.map(unordered).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unordered(x)]));
  return v;
}

/** Both stores answer `path` alike (after normalising); returns the reference answer. */
async function same(
  sides: readonly [Side, Side],
  since: number,
  method: string,
  path: (s: Side) => string,
  body?: (s: Side) => unknown,
  options: { byPersonId?: boolean; status?: number } = {},
): Promise<Json> {
  const [a, b] = await Promise.all(sides.map((s) => s.call(method, path(s), body?.(s))));
  assert.ok(a && b);
  assert.equal(a.status, b.status, `${method} ${path(sides[1])}: ${JSON.stringify(a.body)}`);
  const ok = options.status === undefined ? a.status < 300 : a.status === options.status;
  assert.ok(ok, `${method} ${path(sides[1])}: ${a.status} ${JSON.stringify(a.body)}`);
  const shape = (v: Json) => (options.byPersonId ? unordered(v) : v);
  const want = shape(normalised(sides[1], b.body, since));
  assert.deepEqual(shape(normalised(sides[0], a.body, since)), want, `${method} ${path(sides[1])}`);
  return want;
}

async function comparePeople(clickhouseEnv: Record<string, string>, label: string) {
  const clickhouse = await startTestServer({ ...clickhouseEnv, LOG_LEVEL: 'error' });
  const embedded = await startTestServer();
  try {
    assert.equal(clickhouse.ctx.events.dialect, 'clickhouse');
    assert.equal(embedded.ctx.events.dialect, 'duckdb');
    const sides = [await side(clickhouse, `${label}c`), await side(embedded, `${label}d`)] as const;
    const started = Date.now() - 10 * 60_000;
    for (const batch of traffic(Date.now())) for (const s of sides) await send(s, batch);

    // Person list: labels first (ids differ between stores), then the same pages.
    for (const s of sides) {
      const list = await s.call('GET', '/persons?limit=100');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      for (const p of (list.body as { persons: PersonWire[] }).persons)
        s.labels.set(p.id, `<${[...p.distinctIds].sort().join(',')}>`);
    }
    const everyone = (await same(sides, started, 'GET', () => '/persons?limit=100')) as {
      count: number;
      persons: PersonWire[];
    };
    assert.deepEqual(everyone.persons.map((p) => p.id).sort(), [
      '<anon-1,user-1>',
      '<anon-2,anon-3,user-2>',
      '<anon-5>',
      '<user-4>',
    ]);
    assert.equal(everyone.count, 4);
    const page = (await same(sides, started, 'GET', () => '/persons?limit=2&offset=1')) as {
      count: number;
      persons: PersonWire[];
    };
    assert.equal(page.count, 4);
    assert.equal(page.persons.length, 2);
    await same(sides, started, 'GET', () => '/persons?limit=2&offset=10');
    const search = (await same(sides, started, 'GET', () => '/persons?search=BOB@')) as {
      persons: PersonWire[];
    };
    assert.deepEqual(
      search.persons.map((p) => p.id),
      ['<anon-2,anon-3,user-2>'],
    );
    await same(sides, started, 'GET', () => '/persons?search=anon-');
    const where = (f: unknown) => `/persons?where=${encodeURIComponent(JSON.stringify(f))}`;
    const buyers = (await same(sides, started, 'GET', () =>
      where({ performed: 'purchase', within: { days: 30 } }),
    )) as { count: number };
    assert.equal(buyers.count, 2);
    const pro = (await same(sides, started, 'GET', () =>
      where({ property: 'plan', on: 'person', op: 'eq', value: 'pro' }),
    )) as { count: number };
    assert.equal(pro.count, 2);

    // Segments: dynamic and static (by distinct id and by email), then everything read back.
    const created = await Promise.all(
      sides.map(async (s) => {
        const dyn = await s.call('POST', '/segments', {
          name: 'buyers',
          filter: { performed: 'purchase', within: { days: 30 } },
        });
        const byId = await s.call('POST', '/segments/static', {
          name: 'listed',
          matchBy: 'distinct_id',
          csv: 'distinct_id\nanon-3\nuser-4\nnobody\n',
        });
        const byEmail = await s.call('POST', '/segments/static', {
          name: 'mailed',
          matchBy: 'email',
          csv: 'email\nann@EXAMPLE.test\nbob@example.test\nnobody@example.test\n',
        });
        for (const r of [dyn, byId, byEmail]) assert.ok(r.status < 300, JSON.stringify(r.body));
        const ids = [dyn, byId, byEmail].map((r) => {
          const b = r.body as { id?: string; segment?: { id: string } };
          return String(b.id ?? b.segment?.id);
        });
        for (const [i, id] of ids.entries()) s.labels.set(id, `<segment ${i}>`);
        return { s, ids, bodies: [dyn.body, byId.body, byEmail.body] };
      }),
    );
    const [ca, cb] = created;
    assert.ok(ca && cb);
    assert.deepEqual(
      normalised(ca.s, ca.bodies, started),
      normalised(cb.s, cb.bodies, started),
      'segments as created',
    );
    const seg = (s: Side, i: number) => created.find((c) => c.s === s)?.ids[i] ?? '';
    for (const i of [0, 1, 2]) {
      await same(sides, started, 'POST', (s) => `/segments/${seg(s, i)}/recompute`);
      const members = (await same(
        sides,
        started,
        'GET',
        (s) => `/segments/${seg(s, i)}/members`,
        undefined,
        { byPersonId: true },
      )) as { members: string[] };
      assert.equal(members.members.length, 2, `segment ${i}`);
      await same(sides, started, 'GET', (s) => `/segments/${seg(s, i)}/changes`, undefined, {
        byPersonId: true,
      });
      await same(sides, started, 'GET', (s) => `/segments/${seg(s, i)}/sizes`, undefined, {
        byPersonId: true,
      });
      await same(sides, started, 'GET', (s) => `/segments/${seg(s, i)}/members.csv`, undefined, {
        byPersonId: true,
      });
      await same(sides, started, 'GET', (s) => `/segments/${seg(s, i)}`);
    }

    // A person: profile, property history, timeline pages (ids read from the list).
    const idOf = (s: Side, label: string) =>
      [...s.labels.entries()].find(([, l]) => l === label)?.[0] ?? '';
    const ann = (s: Side) => idOf(s, '<anon-1,user-1>');
    const bob = (s: Side) => idOf(s, '<anon-2,anon-3,user-2>');
    const profile = (await same(sides, started, 'GET', (s) => `/persons/${ann(s)}`)) as {
      isIdentified: boolean;
      groups: unknown[];
      propertyHistory: unknown[];
      segments: unknown[];
      firstSeen: string;
    };
    assert.equal(profile.isIdentified, true);
    assert.deepEqual(profile.groups, [{ type: 'company', key: 'acme' }]);
    assert.ok(profile.propertyHistory.length >= 1);
    assert.equal(profile.segments.length, 2);
    await same(sides, started, 'GET', (s) => `/persons/${bob(s)}`);
    const anon5 = (await same(sides, started, 'GET', (s) => `/persons/${idOf(s, '<anon-5>')}`)) as {
      isIdentified: boolean;
    };
    assert.equal(anon5.isIdentified, false);
    await same(
      sides,
      started,
      'GET',
      () => '/persons/00000000-0000-4000-8000-000000000000',
      undefined,
      { status: 404 },
    );
    let before = '';
    let seen = 0;
    for (let i = 0; i < 10; i++) {
      const tl = (await same(
        sides,
        started,
        'GET',
        (s) => `/persons/${ann(s)}/events?limit=3${before ? `&before=${before}` : ''}`,
      )) as { events: unknown[]; next: string | null };
      seen += tl.events.length;
      if (!tl.next) break;
      before = encodeURIComponent(tl.next);
    }
    assert.equal(seen, 9, 'Ann’s events, also those sent as anon-1');

    // Stratification with flows, RFM, churn risk, portraits, definitions.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const now = Date.now();
    await same(
      sides,
      started,
      'GET',
      () => `/stratification?from=${day(now - 12 * DAY)}&to=${day(now)}&interval=day`,
    );
    await same(
      sides,
      started,
      'GET',
      () => `/stratification?from=${day(now - 60 * DAY)}&to=${day(now)}&interval=week`,
    );
    const rfm = (await same(sides, started, 'GET', () => '/rfm')) as { scored: number };
    assert.equal(rfm.scored, 2);
    const risk = (await same(
      sides,
      started,
      'GET',
      () => '/churn-risk?recentDays=14&baselineDays=56&minBaselineEvents=1',
    )) as { persons: { id: string }[] };
    assert.deepEqual(
      risk.persons.map((p) => p.id),
      ['<user-4>'],
    );
    const portrait = (await same(
      sides,
      started,
      'GET',
      (s) => `/portraits?segmentId=${seg(s, 0)}&properties=person.plan,event.source,event.$browser`,
    )) as { segment: { size: number } };
    assert.equal(portrait.segment.size, 2);
    await same(sides, started, 'GET', (s) => `/portraits?segmentId=${seg(s, 1)}`);
    const props = (await same(sides, started, 'GET', () => '/definitions/properties')) as {
      event: { name: string }[];
      person: { name: string }[];
    };
    assert.ok(props.event.some((p) => p.name === 'amount'));
    assert.ok(props.person.some((p) => p.name === 'email'));
    await same(sides, started, 'GET', () => '/definitions/events');

    // The live event stream and its pickers (arrival times are each server's own).
    const names = (await same(sides, started, 'GET', () => '/events/names')) as {
      events: { name: string; lastSeen: number }[];
    };
    assert.equal(names.events[0]?.name, 'app_open');
    const eventProps = (await same(sides, started, 'GET', () => '/events/properties')) as {
      properties: { name: string; count: number }[];
    };
    assert.ok(eventProps.properties.some((p) => p.name === 'source' && p.count === 7));
    await same(sides, started, 'GET', () => '/events/properties?event=purchase');
    const streams = await Promise.all(
      sides.map(async (s) => {
        const first = await s.call('GET', '/events/recent?limit=5');
        const cursor = (first.body as { cursor: string }).cursor;
        const again = await s.call('GET', `/events/recent?limit=5&after=${cursor}`);
        const strip = (b: Json) =>
          (b as { events: { receivedAt: number }[] }).events.map(({ receivedAt: _, ...e }) =>
            normalised(s, e, started),
          );
        return { first: strip(first.body), again: strip(again.body) };
      }),
    );
    const [onClickHouse, embeddedStream] = streams;
    assert.ok(onClickHouse && embeddedStream);
    assert.equal(embeddedStream.first.length, 5);
    assert.deepEqual(onClickHouse, embeddedStream);
    assert.deepEqual(embeddedStream.again, [], 'nothing arrived since the cursor');

    // Export, then delete: the person's events are gone from ClickHouse too.
    await same(sides, started, 'GET', (s) => `/persons/${bob(s)}/export`);
    const deleted = (await same(sides, started, 'DELETE', (s) => `/persons/${bob(s)}`)) as {
      deleted: { events: number };
    };
    assert.equal(deleted.deleted.events, 6);
    for (const s of sides) {
      const rows = await s.server.ctx.events.execute<{ n: number }>({
        sql: `SELECT count(*) AS n FROM events WHERE project_id = '${s.t.project.id}' AND distinct_id IN ('anon-2', 'anon-3', 'user-2')`,
        parameters: [],
      });
      assert.equal(Number(rows[0]?.n), 0, s.server.ctx.events.dialect);
    }
    const gone = await Promise.all(sides.map((s) => s.call('GET', `/persons/${bob(s)}`)));
    assert.deepEqual(
      gone.map((g) => g.status),
      [404, 404],
    );
    await same(sides, started, 'GET', () => '/persons?limit=100');
  } finally {
    await Promise.all([clickhouse.dispose(), embedded.dispose()]);
  }
}

describe('people on the ClickHouse event store answer as on the embedded one', { skip }, () => {
  it('on one ClickHouse server', async () => {
    if (!ch) throw new Error('ClickHouse not started');
    const [s0] = ch.nodes;
    assert.ok(s0);
    const database = await ch.createDatabase();
    await comparePeople(
      { OPSLOOP_EVENTS_URL: `clickhouse://127.0.0.1:${s0.httpPort}/${database}` },
      'one',
    );
  });

  it('on two ClickHouse shards', async () => {
    if (!ch) throw new Error('ClickHouse not started');
    const [s0, s1] = ch.nodes;
    assert.ok(s0 && s1);
    const database = await ch.createDatabase();
    const shards = `127.0.0.1:${s0.httpPort},127.0.0.1:${s1.httpPort}`;
    await comparePeople(
      {
        OPSLOOP_EVENTS_URL: `clickhouse://127.0.0.1:${s0.httpPort}/${database}?cluster=${TEST_CLUSTER}&shards=${shards}`,
      },
      'two',
    );
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EventStore } from '@opsloop/store/events/event-store';
import { TEST_CLUSTER } from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { scaleOutSkipReason, useScaleOutServers } from '@opsloop/store/testing/scale-out-servers';
import { ConfigError } from '../config/config.js';
import { makeTenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const skip = scaleOutSkipReason();
const servers = useScaleOutServers({ shards: 2 });

interface PostHogEvent {
  readonly event: string;
  readonly distinct_id: string;
  readonly uuid: string;
  readonly timestamp: string;
  readonly properties: Record<string, unknown>;
}

let clock = Date.UTC(2024, 4, 1);
const ev = (event: string, distinctId: string, properties: Record<string, unknown> = {}) => {
  clock += 60_000;
  return {
    event,
    distinct_id: distinctId,
    uuid: randomUUID(),
    timestamp: new Date(clock).toISOString(),
    properties,
  } satisfies PostHogEvent;
};
const identify = (user: string, anon: string) => ev('$identify', user, { $anon_distinct_id: anon });

/** The traffic, in steps: each step's batches go to the node named, then both flush. */
const STEPS: ReadonlyArray<ReadonlyArray<{ node: 0 | 1; events: readonly PostHogEvent[] }>> =
  (() => {
    const first = [ev('$pageview', 'anon-1'), ev('$pageview', 'anon-2'), ev('signup', 'anon-2')];
    return [
      [
        { node: 0, events: first },
        { node: 1, events: [ev('$pageview', 'anon-3'), ev('$pageview', 'user-4')] },
      ],
      // Identities created on one node are merged on the other.
      [
        { node: 1, events: [identify('user-1', 'anon-1'), ev('purchase', 'user-1')] },
        { node: 0, events: [identify('user-2', 'anon-3')] },
      ],
      // A client retries the first batch against the other node: counted once.
      [{ node: 1, events: first }],
      [
        { node: 0, events: [identify('user-2', 'anon-2'), ev('purchase', 'user-2')] },
        { node: 1, events: [ev('$pageview', 'user-1'), ev('$pageview', 'anon-2')] },
      ],
    ];
  })();

async function send(server: TestServer, writeKey: string, events: readonly PostHogEvent[]) {
  const res = await fetch(`${server.url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: writeKey, batch: events }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function flushed(server: TestServer): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const stats = server.ctx.ingestion.stats();
    if (stats.spooledEvents === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the spool did not drain');
}

/** What a node sees: events, and distinct ids grouped by their merged person. */
async function view(events: EventStore, projectId: string) {
  const p = `'${projectId}'`;
  const sql =
    events.dialect === 'clickhouse'
      ? `SELECT e.distinct_id AS d, coalesce(o.person_id, e.person_id) AS p
         FROM (SELECT project_id, distinct_id, person_id FROM events WHERE project_id = ${p}) AS e
         LEFT JOIN person_overrides AS o ON o.project_id = e.project_id AND o.old_person_id = e.person_id`
      : `SELECT e.distinct_id AS d, coalesce(o.person_id, e.person_id)::VARCHAR AS p
         FROM events e LEFT JOIN person_overrides o
           ON o.project_id = e.project_id AND o.old_person_id = e.person_id
         WHERE e.project_id = ${p}`;
  const rows = await events.execute<{ d: string; p: string }>({ sql, parameters: [] });
  const byPerson = new Map<string, Set<string>>();
  for (const r of rows) byPerson.set(r.p, (byPerson.get(r.p) ?? new Set()).add(r.d));
  const persons = await events.execute<{ n: number }>({
    sql: `SELECT count(*) AS n FROM persons WHERE project_id = ${p}`,
    parameters: [],
  });
  return {
    events: rows.length,
    people: [...byPerson.values()].map((ids) => [...ids].sort().join(',')).sort(),
    personRows: Number(persons[0]?.n ?? 0),
  };
}

/** Every query kind, over the traffic's day (2024-05-01, UTC). */
const QUERIES: readonly Record<string, unknown>[] = (() => {
  const dateRange = { from: '2024-05-01', to: '2024-05-01' };
  return [
    { kind: 'trends', dateRange, interval: 'hour', series: [{ event: '$pageview' }] },
    {
      kind: 'trends',
      dateRange,
      series: [
        { event: '$pageview', math: 'unique_persons' },
        { event: 'purchase', math: 'dau' },
      ],
      compare: true,
    },
    {
      kind: 'trends',
      dateRange,
      series: [{ event: '$pageview' }],
      breakdown: { on: 'event', property: 'distinct_id' },
    },
    {
      kind: 'funnel',
      dateRange,
      steps: [{ event: '$pageview' }, { event: 'purchase' }],
      breakdown: { on: 'event', property: 'distinct_id' },
    },
    {
      kind: 'funnel',
      dateRange,
      steps: [{ event: '$pageview' }, { event: 'purchase' }],
      window: { value: 1, unit: 'day' },
    },
    {
      kind: 'funnel',
      dateRange,
      steps: [{ event: '$pageview' }, { event: '$identify' }, { event: 'purchase' }],
      window: { value: 1, unit: 'day' },
      order: 'unordered',
    },
    {
      kind: 'retention',
      dateRange,
      startEvent: { event: '$pageview' },
      returnEvent: { event: 'purchase' },
      period: 'day',
      periods: 2,
    },
    { kind: 'lifecycle', dateRange, event: '$pageview', interval: 'day' },
    { kind: 'stickiness', dateRange, event: '$pageview', interval: 'day' },
    { kind: 'paths', dateRange, start: { event: '$pageview' }, steps: 3 },
    {
      kind: 'persons',
      where: { performed: 'purchase', within: { days: 30 } },
      asOf: '2024-05-02T00:00:00Z',
    },
    { kind: 'persons' },
  ];
})();

/** A query's answer, with what differs between stores by design (person ids) left out. */
async function answer(server: TestServer, projectId: string, key: string, query: object) {
  const res = await fetch(`${server.url}/api/projects/${projectId}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(query),
  });
  const body: unknown = await res.json();
  assert.equal(res.status, 200, JSON.stringify({ query, body }));
  if (body !== null && typeof body === 'object' && 'persons' in body && Array.isArray(body.persons))
    return {
      ...body,
      persons: body.persons
        .map((p: { distinctIds: string[] }) => [...p.distinctIds].sort().join(','))
        .sort(),
    };
  return body;
}

describe('two API nodes on a ClickHouse cluster and PostgreSQL', { skip }, () => {
  it('count every event once and agree with each other and with the embedded stores', async () => {
    const { clickhouse: ch, postgres: pg } = servers();
    const [s0, s1] = ch.nodes;
    assert.ok(s0 && s1);
    const database = await ch.createDatabase();
    const shards = `127.0.0.1:${s0.httpPort},127.0.0.1:${s1.httpPort}`;
    const pgUrl = await pg.createDatabase();
    const nodeEnv = (via: number) => ({
      OPSLOOP_DATABASE_URL: pgUrl,
      OPSLOOP_EVENTS_URL: `clickhouse://127.0.0.1:${via}/${database}?cluster=${TEST_CLUSTER}&shards=${shards}`,
    });
    // Each node has its own data directory (its spool) and talks to a different shard.
    const nodes = [
      await startTestServer(nodeEnv(s0.httpPort)),
      await startTestServer(nodeEnv(s1.httpPort)),
    ] as const;
    const embedded = await startTestServer();
    try {
      const { project, keys } = await makeTenant(nodes[0].ctx, nodes[0].url, 'cluster');
      const { project: local, keys: localKeys } = await makeTenant(
        embedded.ctx,
        embedded.url,
        'embedded',
      );
      for (const step of STEPS) {
        for (const batch of step) {
          await send(nodes[batch.node], project.writeKey, batch.events);
          await send(embedded, local.writeKey, batch.events);
          await flushed(nodes[batch.node]);
        }
        await Promise.all([...nodes, embedded].map(flushed));
      }
      const [a, b, reference] = await Promise.all([
        view(nodes[0].ctx.events, project.id),
        view(nodes[1].ctx.events, project.id),
        view(embedded.ctx.events, local.id),
      ]);
      const sent = new Set(STEPS.flat().flatMap((s) => s.events.map((e) => e.uuid))).size;
      assert.equal(reference.events, sent, 'the embedded store counts each event once');
      assert.deepEqual(a, reference);
      assert.deepEqual(b, reference);
      // The merges happened: user-1 owns anon-1's events, user-2 both anon-2's and anon-3's.
      assert.ok(a.people.includes('anon-1,user-1'), JSON.stringify(a.people));
      assert.ok(a.people.some((p) => p.includes('anon-3') && p.includes('user-2')));
      assert.equal(await nodes[0].ctx.events.countEvents(project.id), sent);
      assert.equal(await nodes[1].ctx.events.countEvents(project.id), sent);

      // Every query kind: both nodes answer alike, and as the embedded stores do.
      const answers: unknown[] = [];
      for (const query of QUERIES) {
        const [on0, on1, want] = await Promise.all([
          answer(nodes[0], project.id, keys.read, query),
          answer(nodes[1], project.id, keys.read, query),
          answer(embedded, local.id, localKeys.read, query),
        ]);
        assert.deepEqual(on0, want, JSON.stringify(query));
        assert.deepEqual(on1, want, JSON.stringify(query));
        answers.push(want);
      }
      // The answers are about the traffic, not empty alike.
      const pageviews = new Set(
        STEPS.flat().flatMap((s) =>
          s.events.filter((e) => e.event === '$pageview').map((e) => e.uuid),
        ),
      ).size;
      const hourly = answers[0] as { series: { total: number }[] };
      assert.equal(hourly.series[0]?.total, pageviews);
      const buyers = answers.at(-2) as { count: number; persons: string[] };
      assert.deepEqual(buyers.persons, ['anon-1,user-1', 'anon-2,anon-3,user-2']);
    } finally {
      await Promise.all([...nodes, embedded].map((n) => n.dispose()));
    }
  });

  it('refuses to start, naming the variable, when the events URL is malformed or unreachable', async () => {
    await assert.rejects(
      startTestServer({ OPSLOOP_EVENTS_URL: 'clickhouse://127.0.0.1:1/db?cluster=c' }),
      (err: unknown) =>
        err instanceof ConfigError && /OPSLOOP_EVENTS_URL: shards=/.test(err.message),
    );
    await assert.rejects(
      startTestServer({ OPSLOOP_EVENTS_URL: 'clickhouse://127.0.0.1:1/db' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /OPSLOOP_EVENTS_URL: cannot open the ClickHouse/.test(err.message),
    );
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CLICKHOUSE_MISSING,
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
  TEST_CLUSTER,
} from '../../testing/clickhouse/start-clickhouse.js';
import { runEventStoreContract } from '../contract/event-store-contract.js';
import { sampleEvent } from '../contract/sample-event.js';
import { eventKey, type StoredEvent } from '../event-store.js';
import { ClickHouseEventStore } from './clickhouse-event-store.js';

const skip = clickhouseSkipReason();
let ch: RunningClickHouse | undefined;
before(async () => {
  if (!skip) ch = await startClickHouse({ shards: 2 });
});
after(() => ch?.stop());

const running = (): RunningClickHouse => {
  if (!ch) throw new Error(CLICKHOUSE_MISSING);
  return ch;
};
const node = (i: number) => {
  const n = running().nodes[i];
  if (!n) throw new Error(`no ClickHouse node ${i}`);
  return { url: n.url };
};
const openSingle = async () =>
  ClickHouseEventStore.open({ server: node(0), database: await running().createDatabase() });
const openCluster = async (via = 0, database?: string) =>
  ClickHouseEventStore.open({
    server: node(via),
    database: database ?? (await running().createDatabase()),
    cluster: { name: TEST_CLUSTER, shards: [node(0), node(1)] },
  });

const stored = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  ...sampleEvent(over),
  personId: over.personId ?? randomUUID(),
});

describe('ClickHouse', { skip }, () => {
  runEventStoreContract('clickhouse, one server', openSingle);
  runEventStoreContract('clickhouse, two shards', () => openCluster());

  describe('ClickHouse event store', () => {
    it('answers a dedup probe as large as the largest flush (200k keys) in one call', async () => {
      const store = await openSingle();
      try {
        const events = Array.from({ length: 3 }, () => stored({ projectId: 'big' }));
        await store.write({ events, identity: [] });
        const keys = [
          ...Array.from({ length: 200_000 }, (_, i) => ({
            projectId: 'big',
            uuid: randomUUID(),
            timestamp: (events[0]?.timestamp ?? 0) + i,
          })),
          ...events.map((e) => ({ projectId: 'big', uuid: e.uuid, timestamp: e.timestamp })),
        ];
        const found = await store.findStored(keys);
        assert.deepEqual([...found].sort(), events.map((e) => eventKey('big', e.uuid)).sort());
      } finally {
        await store.close();
      }
    });

    it('keeps hostile strings as data in every statement it builds', async () => {
      const store = await openSingle();
      try {
        const hostile = [
          "x' OR 1=1 --",
          'back\\slash\\',
          "q'); DROP TABLE events; --",
          'tab\tnew\nline',
        ];
        for (const projectId of hostile) {
          const e = stored({ projectId, distinctId: projectId, properties: { s: projectId } });
          await store.write({ events: [e], identity: [] });
          const found = await store.findStored([
            { projectId, uuid: e.uuid, timestamp: e.timestamp },
          ]);
          assert.deepEqual([...found], [eventKey(projectId, e.uuid)]);
          const out: StoredEvent[] = [];
          for await (const x of store.exportEvents(projectId)) out.push(x);
          assert.deepEqual(out, [e]);
          assert.equal(await store.deletePersonEvents(projectId, e.personId), 1);
        }
        assert.equal(await store.countEvents(hostile[0] ?? ''), 0);
        const [all] = await store.execute<{ n: number }>({
          sql: 'SELECT count() AS n FROM events',
          parameters: [],
        });
        assert.equal(all?.n, 0);
      } finally {
        await store.close();
      }
    });

    it('refuses bound parameters (ClickHouse 18.16 has none) instead of ignoring them', async () => {
      const store = await openSingle();
      try {
        await assert.rejects(
          store.execute({ sql: 'SELECT 1 WHERE 1 = $1', parameters: [1] }),
          /inlined literals/,
        );
      } finally {
        await store.close();
      }
    });

    it('writes nothing when an event carries a person id that is not a UUID', async () => {
      const store = await openSingle();
      try {
        await assert.rejects(
          store.write({
            events: [stored({ projectId: 'bad' }), stored({ projectId: 'bad', personId: 'nope' })],
            identity: [],
          }),
          /not a UUID/,
        );
        assert.equal(await store.countEvents('bad'), 0);
      } finally {
        await store.close();
      }
    });

    it('shards events by person over both servers; either server answers for all', async () => {
      const database = await running().createDatabase();
      const a = await openCluster(0, database);
      const b = await openCluster(1, database);
      try {
        const events = Array.from({ length: 40 }, (_, i) =>
          stored({ projectId: 's', timestamp: 1000 + i }),
        );
        await a.write({ events: events.slice(0, 20), identity: [] });
        await b.write({ events: events.slice(20), identity: [] });
        assert.equal(await a.countEvents('s'), 40);
        assert.equal(await b.countEvents('s'), 40);
        const perShard = await Promise.all(
          [0, 1].map(async (i) => {
            const res = await fetch(node(i).url, {
              method: 'POST',
              body: `SELECT count() FROM "${database}".events_local`,
            });
            return Number((await res.text()).trim());
          }),
        );
        const [first = 0, second = 0] = perShard;
        assert.equal(first + second, 40);
        assert.ok(first > 0 && second > 0, `both shards hold events: ${perShard}`);
        const keys = events.map((e) => ({ projectId: 's', uuid: e.uuid, timestamp: e.timestamp }));
        assert.equal((await b.findStored(keys)).size, 40);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type EventStore,
  type EventStoreDialect,
  eventKey,
  type StoredEvent,
} from '../event-store.js';
import { sampleEvent } from './sample-event.js';

const stored = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  ...sampleEvent(over),
  personId: over.personId ?? randomUUID(),
});

/**
 * The raw SQL the cases read back with, per dialect: the stores share logical
 * tables, not a SQL dialect (ClickHouse keeps integer ms and JSON text).
 */
const PROBES: Record<EventStoreDialect, Record<string, (projectId: string) => string>> = {
  duckdb: {
    instant: (p) => `SELECT epoch_ms(timestamp) AS ms, strftime(timestamp, '%Y-%m-%d') AS day,
      properties->>'plan' AS plan FROM events WHERE project_id = '${p}'`,
    people: (
      p,
    ) => `SELECT count(*) AS n, count(DISTINCT coalesce(o.person_id, e.person_id)) AS people
      FROM events e LEFT JOIN person_overrides o
        ON o.project_id = e.project_id AND o.old_person_id = e.person_id
      WHERE e.project_id = '${p}'`,
    overrides: (
      p,
    ) => `SELECT old_person_id::VARCHAR AS o, person_id::VARCHAR AS p FROM person_overrides
      WHERE project_id = '${p}' ORDER BY o`,
    distinctIds: (p) => `SELECT distinct_id AS d, person_id::VARCHAR AS p FROM person_distinct_ids
      WHERE project_id = '${p}' ORDER BY d`,
    persons: (p) =>
      `SELECT id::VARCHAR AS id, properties->>'name' AS name FROM persons WHERE project_id = '${p}'`,
    groups: (p) => `SELECT properties->>'size' AS size FROM groups WHERE project_id = '${p}'`,
  },
  clickhouse: {
    instant: (p) => `SELECT timestamp AS ms,
      formatDateTime(toDateTime(intDiv(timestamp, 1000), 'UTC'), '%Y-%m-%d') AS day,
      visitParamExtractString(properties, 'plan') AS plan FROM events WHERE project_id = '${p}'`,
    // 18.16 cannot resolve an aliased column of a Distributed table joined as such: wrap it.
    people: (p) => `SELECT count() AS n, uniqExact(coalesce(o.person_id, e.person_id)) AS people
      FROM (SELECT project_id, person_id FROM events) AS e LEFT JOIN person_overrides AS o
        ON o.project_id = e.project_id AND o.old_person_id = e.person_id
      WHERE e.project_id = '${p}'`,
    overrides: (p) => `SELECT old_person_id AS o, person_id AS p FROM person_overrides
      WHERE project_id = '${p}' ORDER BY o`,
    distinctIds: (p) => `SELECT distinct_id AS d, person_id AS p FROM person_distinct_ids
      WHERE project_id = '${p}' ORDER BY d`,
    persons: (p) =>
      `SELECT id, visitParamExtractString(properties, 'name') AS name FROM persons WHERE project_id = '${p}'`,
    groups: (p) =>
      `SELECT visitParamExtractRaw(properties, 'size') AS size FROM groups WHERE project_id = '${p}'`,
  },
};

/**
 * The behaviour every EventStore must have (DuckDB now, ClickHouse later).
 * `open` returns a fresh, empty store.
 */
export function runEventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const probe = (name: string, projectId: string) => {
      const sql = PROBES[store.dialect][name];
      if (!sql) throw new Error(`no ${name} probe for ${store.dialect}`);
      return { sql: sql(projectId), parameters: [] };
    };
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    it('stores events and answers queries with UTC instants', async () => {
      const e = stored({
        projectId: 'c1',
        timestamp: Date.UTC(2024, 2, 3, 23, 30, 0, 123),
        properties: { plan: 'pro', n: 3 },
        url: 'https://x.test/a',
        groups: { company: 'acme' },
      });
      await store.write({ events: [e], identity: [] });
      const rows = await store.execute<{ ms: number; day: string; plan: string }>(
        probe('instant', 'c1'),
      );
      assert.deepEqual(rows, [{ ms: e.timestamp, day: '2024-03-03', plan: 'pro' }]);
    });

    it('exports events in time order, exactly as written', async () => {
      const a = stored({ projectId: 'c2', timestamp: 2000, personOps: { set: { a: 1 } } });
      const b = stored({
        projectId: 'c2',
        timestamp: 1000,
        identity: { kind: 'identify', otherDistinctId: 'anon' },
        groupIdentify: { groupType: 'company', groupKey: 'acme', set: { size: 3 } },
      });
      const c = stored({ projectId: 'c2', timestamp: 3000 });
      await store.write({ events: [a, b, c], identity: [] });
      const out: StoredEvent[] = [];
      for await (const e of store.exportEvents('c2')) out.push(e);
      assert.deepEqual(out, [b, a, c]);
      const ranged: StoredEvent[] = [];
      for await (const e of store.exportEvents('c2', { from: 1500, to: 3000 })) ranged.push(e);
      assert.deepEqual(ranged, [a]);
      assert.equal(await store.countEvents('c2'), 3);
      assert.equal(await store.countEvents('c2', { from: 1000, to: 2000 }), 1);
    });

    it('finds stored events by project and uuid, tolerating a shifted timestamp', async () => {
      const e = stored({ projectId: 'c3', timestamp: Date.UTC(2024, 5, 1) });
      await store.write({ events: [e], identity: [] });
      const found = await store.findStored([
        { projectId: 'c3', uuid: e.uuid, timestamp: e.timestamp + 5000 },
        { projectId: 'other', uuid: e.uuid, timestamp: e.timestamp },
        { projectId: 'c3', uuid: randomUUID(), timestamp: e.timestamp },
      ]);
      assert.deepEqual([...found], [eventKey('c3', e.uuid)]);
    });

    it('mirrors identity: flat overrides, re-pointed distinct ids, applied once by seq', async () => {
      const [p1, p2, p3] = [randomUUID(), randomUUID(), randomUUID()];
      const person = (id: string, name: string) => ({
        projectId: 'c4',
        id,
        properties: { name },
        isIdentified: true,
        createdAt: 1000,
        version: 1,
      });
      const base = await store.identityWatermark();
      await store.write({
        events: [
          stored({ projectId: 'c4', distinctId: 'a', personId: p1 }),
          stored({ projectId: 'c4', distinctId: 'b', personId: p2 }),
          stored({ projectId: 'c4', distinctId: 'c', personId: p3 }),
        ],
        identity: [
          {
            seq: base + 1,
            merges: [],
            distinctIds: [
              { projectId: 'c4', distinctId: 'a', personId: p1 },
              { projectId: 'c4', distinctId: 'b', personId: p2 },
              { projectId: 'c4', distinctId: 'c', personId: p3 },
            ],
            persons: [person(p1, 'a'), person(p2, 'b'), person(p3, 'c')],
            groups: [],
          },
        ],
      });
      // p1 → p2, then p2 → p3: every event now belongs to p3.
      const second = {
        seq: base + 2,
        merges: [{ projectId: 'c4', oldPersonId: p1, personId: p2 }],
        distinctIds: [],
        persons: [person(p2, 'ab')],
        groups: [],
      };
      const third = {
        seq: base + 3,
        merges: [{ projectId: 'c4', oldPersonId: p2, personId: p3 }],
        distinctIds: [],
        persons: [person(p3, 'abc')],
        groups: [
          {
            projectId: 'c4',
            groupType: 'company',
            groupKey: 'acme',
            properties: { size: 3 },
            createdAt: 5,
            version: 1,
          },
        ],
      };
      await store.write({ events: [], identity: [second] });
      // A replay of an applied set next to a new one: the applied one is skipped.
      await store.write({ events: [], identity: [second, third] });
      assert.equal(await store.identityWatermark(), base + 3);
      const persons = await store.execute<{ n: number; people: number }>(probe('people', 'c4'));
      assert.deepEqual(persons, [{ n: 3, people: 1 }]);
      const overrides = await store.execute<{ o: string; p: string }>(probe('overrides', 'c4'));
      assert.deepEqual(
        overrides,
        [
          { o: p1, p: p3 },
          { o: p2, p: p3 },
        ].sort((x, y) => x.o.localeCompare(y.o)),
      );
      const ids = await store.execute<{ d: string; p: string }>(probe('distinctIds', 'c4'));
      assert.deepEqual(ids, [
        { d: 'a', p: p3 },
        { d: 'b', p: p3 },
        { d: 'c', p: p3 },
      ]);
      const people = await store.execute<{ id: string; name: string }>(probe('persons', 'c4'));
      assert.deepEqual(people, [{ id: p3, name: 'abc' }]);
      const groups = await store.execute<{ size: string }>(probe('groups', 'c4'));
      assert.deepEqual(groups, [{ size: '3' }]);
      assert.equal(await store.deletePersonEvents('c4', p3), 3);
      assert.equal(await store.countEvents('c4'), 0);
    });

    it('deletes a person with everyone merged into it, and nobody else', async () => {
      const [pa, pb, other] = [randomUUID(), randomUUID(), randomUUID()];
      const person = (id: string, name: string) => ({
        projectId: 'c6',
        id,
        properties: { name },
        isIdentified: true,
        createdAt: 1000,
        version: 1,
      });
      const base = await store.identityWatermark();
      await store.write({
        events: [
          stored({ projectId: 'c6', distinctId: 'a', personId: pa }),
          stored({ projectId: 'c6', distinctId: 'a', personId: pa }),
          stored({ projectId: 'c6', distinctId: 'b', personId: pb }),
          stored({ projectId: 'c6', distinctId: 'o', personId: other }),
        ],
        identity: [
          {
            seq: base + 1,
            merges: [],
            distinctIds: [
              { projectId: 'c6', distinctId: 'a', personId: pa },
              { projectId: 'c6', distinctId: 'b', personId: pb },
              { projectId: 'c6', distinctId: 'o', personId: other },
            ],
            persons: [person(pa, 'a'), person(pb, 'b'), person(other, 'o')],
            groups: [],
          },
          {
            seq: base + 2,
            merges: [{ projectId: 'c6', oldPersonId: pb, personId: pa }],
            distinctIds: [],
            persons: [person(pa, 'ab')],
            groups: [],
          },
        ],
      });
      const removed = await store.deletePerson('c6', pa.toUpperCase());
      assert.equal(removed.events, 3);
      assert.deepEqual([...removed.distinctIds].sort(), ['a', 'b']);
      assert.equal(await store.countEvents('c6'), 1);
      assert.deepEqual(await store.execute(probe('distinctIds', 'c6')), [{ d: 'o', p: other }]);
      assert.deepEqual(await store.execute(probe('persons', 'c6')), [{ id: other, name: 'o' }]);
      assert.deepEqual(await store.execute(probe('overrides', 'c6')), []);
      assert.deepEqual(await store.deletePerson('c6', pa), { events: 0, distinctIds: [] });
    });

    it('deletes a project’s events before a time, and only that project’s', async () => {
      const at = (projectId: string, timestamp: number) =>
        stored({ projectId, timestamp, receivedAt: timestamp });
      await store.write({
        events: [at('c7', 1_000), at('c7', 2_000), at('c7', 3_000), at('c8', 1_000)],
        identity: [],
      });
      assert.equal(await store.deleteEventsBefore('c7', 2_500), 2);
      assert.equal(await store.countEvents('c7'), 1);
      assert.equal(await store.countEvents('c8'), 1);
      assert.equal(await store.deleteEventsBefore('c7', 2_500), 0);
    });

    it('rolls back the events when an identity change cannot be applied', async () => {
      const before = await store.countEvents('c5');
      const bad = {
        seq: (await store.identityWatermark()) + 1,
        merges: [],
        distinctIds: [{ projectId: 'c5', distinctId: 'x', personId: 'not-a-uuid' }],
        persons: [],
        groups: [],
      };
      await assert.rejects(store.write({ events: [stored({ projectId: 'c5' })], identity: [bad] }));
      assert.equal(await store.countEvents('c5'), before);
    });
  });
}

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsQuery } from '@opsloop/schema';
import { type AnalyticsSource, runAnalyticsQuery } from '../../analytics/run-query.js';
import { runEventStoreContract } from '../contract/event-store-contract.js';
import { sampleEvent } from '../contract/sample-event.js';
import type { EventStore, IdentityMirror, StoredEvent } from '../event-store.js';
import { DuckDBEventStore } from './duckdb-event-store.js';

const dirs: string[] = [];
const freshFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-compact-'));
  dirs.push(dir);
  return join(dir, 'events.duckdb');
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The store, compacting after every write: each contract case then reads,
 * exports and deletes events that sit in the sorted part, merged persons
 * squashed, and appends to the recent part again after.
 */
async function compactingStore(): Promise<EventStore> {
  const store = await DuckDBEventStore.open(freshFile());
  const compacting: EventStore = Object.create(store);
  return Object.assign(compacting, {
    write: async (batch: Parameters<EventStore['write']>[0]) => {
      await store.write(batch);
      await store.compactEvents();
    },
    writeEncoded: async (batch: Parameters<EventStore['writeEncoded']>[0]) => {
      await store.writeEncoded(batch);
      await store.compactEvents();
    },
  });
}

runEventStoreContract('duckdb (compacted after every write)', compactingStore);

const at = (day: number) => Date.UTC(2024, 0, 1 + day);
const event = (personId: string, day: number, projectId = 'p1'): StoredEvent => ({
  ...sampleEvent({ projectId, timestamp: at(day), distinctId: personId }),
  personId,
});
const mirror = (seq: number, merges: [string, string][]): IdentityMirror => ({
  seq,
  merges: merges.map(([oldPersonId, personId]) => ({ projectId: 'p1', oldPersonId, personId })),
  distinctIds: [],
  persons: [],
  groups: [],
});

describe('DuckDB event compaction', () => {
  it('rewrites every event in (project, person, time) order with merges squashed', async () => {
    const store = await DuckDBEventStore.open(freshFile());
    try {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      await store.write({
        events: [event(c, 3), event(a, 2), event(b, 1), event(a, 0), event(c, 1, 'p0')],
        identity: [mirror(1, [[a, b]])],
      });
      assert.deepEqual(await store.unsortedEvents(), { sorted: 0, recent: 5, persons: 0 });
      const done = await store.compactEvents();
      assert.equal(done.events, 5);
      assert.equal(done.fromRecent, 5);
      assert.deepEqual(await store.unsortedEvents(), { sorted: 5, recent: 0, persons: 3 });
      const rows = await store.execute<{ project: string; person: string; ms: number }>({
        sql: `SELECT project_id AS project, person_id::VARCHAR AS person, epoch_ms(timestamp) AS ms
              FROM events_sorted`,
        parameters: [],
      });
      // a's events now carry b; rows come back in the table's order.
      const want = [
        { project: 'p0', person: c, ms: at(1) },
        ...[
          { project: 'p1', person: b, ms: at(0) },
          { project: 'p1', person: b, ms: at(1) },
          { project: 'p1', person: b, ms: at(2) },
          { project: 'p1', person: c, ms: at(3) },
        ].sort((x, y) => (x.person < y.person ? -1 : x.person > y.person ? 1 : x.ms - y.ms)),
      ];
      assert.deepEqual(rows, want);
      // Persons numbered in the table's order, from 1.
      const numbers = await store.execute<{ idx: number }>({
        sql: 'SELECT person_idx AS idx FROM events_sorted',
        parameters: [],
      });
      const personsInOrder = [...new Set(want.map((r) => `${r.project} ${r.person}`))];
      assert.deepEqual(
        numbers.map((r) => r.idx),
        want.map((r) => personsInOrder.indexOf(`${r.project} ${r.person}`) + 1),
      );
      const squashed = await store.execute<{ old: string }>({
        sql: 'SELECT old_person_id::VARCHAR AS old FROM squashed_overrides',
        parameters: [],
      });
      assert.deepEqual(squashed, [{ old: a }]);
      // Appends go to the recent part; the view reads both.
      await store.write({ events: [event(a, 5)], identity: [] });
      assert.deepEqual(await store.unsortedEvents(), { sorted: 5, recent: 1, persons: 3 });
      assert.equal(await store.countEvents('p1'), 5);
    } finally {
      await store.close();
    }
  });

  it('deletes from both parts', async () => {
    const store = await DuckDBEventStore.open(freshFile());
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      await store.write({ events: [event(a, 0), event(b, 0), event(a, 5)], identity: [] });
      await store.compactEvents();
      await store.write({ events: [event(a, 1), event(b, 6)], identity: [] });
      assert.equal(await store.deletePersonEvents('p1', a), 3);
      assert.equal(await store.deleteEventsBefore('p1', at(6)), 1);
      assert.deepEqual(await store.unsortedEvents(), { sorted: 0, recent: 1, persons: 2 });
    } finally {
      await store.close();
    }
  });

  it("forgets a deleted person's number with the person", async () => {
    const store = await DuckDBEventStore.open(freshFile());
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      await store.write({ events: [event(a, 0), event(b, 0)], identity: [] });
      await store.compactEvents();
      await store.deletePerson('p1', a);
      const left = await store.execute<{ p: string }>({
        sql: 'SELECT person_id::VARCHAR AS p FROM sorted_persons',
        parameters: [],
      });
      assert.deepEqual(left, [{ p: b }]);
    } finally {
      await store.close();
    }
  });

  it('answers a funnel whose statements straddle a compaction from one snapshot', async () => {
    const store = await DuckDBEventStore.open(freshFile());
    try {
      // 35 persons do a then b; the first 30 are compacted, the rest arrive after
      // (few enough for the runs: a sixth of the sorted part).
      const persons = Array.from({ length: 35 }, () => randomUUID());
      const funnelEvents = (ps: string[]) =>
        ps.flatMap((p) =>
          ['a', 'b'].map((name, i) => ({
            ...event(p, 1),
            event: name,
            timestamp: at(1) + i * 60_000,
          })),
        );
      await store.write({ events: funnelEvents(persons.slice(0, 30)), identity: [] });
      await store.compactEvents();
      await store.write({ events: funnelEvents(persons.slice(30)), identity: [] });
      const statements: string[] = [];
      const source: AnalyticsSource = {
        dialect: store.dialect,
        execute: store.execute.bind(store),
        unsortedEvents: store.unsortedEvents.bind(store),
        eventPartsVersion: store.eventPartsVersion.bind(store),
        executeChunks: async (q, onChunk) => {
          statements.push(q.sql);
          // After the recent part and the merges are read, before the sorted part is: everything is compacted.
          if (/FROM events_sorted e\b/.test(q.sql) && statements.length === 3)
            await store.compactEvents();
          return store.executeChunks(q, onChunk);
        },
      };
      const query = AnalyticsQuery.parse({
        kind: 'funnel',
        dateRange: { from: '2024-01-01', to: '2024-01-05' },
        steps: [{ event: 'a' }, { event: 'b' }],
        window: { value: 1, unit: 'day' },
      });
      const result = await runAnalyticsQuery(source, query, {
        projectId: 'p1',
        timezone: 'UTC',
        now: at(10),
      });
      assert.ok('steps' in result);
      assert.deepEqual(
        result.steps.map((s) => s.count),
        [35, 35],
      );
      // The runs were read, then not trusted: the grouping pass answered, in one statement.
      assert.ok(statements.some((s) => /FROM events_sorted e\b/.test(s)));
      assert.match(statements.at(-1) ?? '', /FROM events e\b/);
    } finally {
      await store.close();
    }
  });

  it('opens a file written before events had two parts, its events kept', async () => {
    const file = freshFile();
    const old = await DuckDBInstance.create(file);
    const conn = await old.connect();
    // The earlier layout: one `events` table (the columns are unchanged).
    await conn.run(`CREATE TABLE events AS SELECT * FROM (VALUES
      ('p1', uuid(), 'signup', 'd1', uuid(), TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2024-01-01 00:00:00+00',
       NULL::JSON, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL::JSON, NULL::JSON, NULL::JSON, NULL::JSON))`);
    conn.closeSync();
    old.closeSync();
    const store = await DuckDBEventStore.open(file);
    try {
      assert.equal(await store.countEvents('p1'), 1);
      assert.deepEqual(await store.unsortedEvents(), { sorted: 0, recent: 1, persons: 0 });
      await store.compactEvents();
      assert.deepEqual(await store.unsortedEvents(), { sorted: 1, recent: 0, persons: 1 });
    } finally {
      await store.close();
    }
    // Opening it again finds the new layout as it is.
    const again = await DuckDBEventStore.open(file);
    try {
      assert.equal(await again.countEvents('p1'), 1);
    } finally {
      await again.close();
    }
  });
});

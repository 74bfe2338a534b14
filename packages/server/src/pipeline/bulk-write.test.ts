import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import type { EventStore } from '@opsloop/store/events/event-store';
import type { IdentityChanges } from '@opsloop/store/identity/identity-store';
import { encodeEventRows } from '@opsloop/store/spool/event-rows';
import pino from 'pino';
import { generateDemo } from '../demo/generate.js';
import { bulkAccess } from './bulk-exclusive.js';
import { BulkWriter } from './bulk-write.js';
import { openPipeline } from './open-pipeline.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'opsloop-bulk-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PEOPLE = `SELECT count(DISTINCT coalesce(o.person_id, e.person_id)) AS people, count(*) AS events
  FROM events e LEFT JOIN person_overrides o
    ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = $1`;

describe('bulk write path', () => {
  it('resolves persons in event-time order across projects and chunks, as the flusher does', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    const bulk = new BulkWriter(p);
    // Chunk 1, out of time order: the identify comes first in the list but last in time.
    bulk.add([
      sampleEvent({
        projectId: 'p1',
        distinctId: 'user@x',
        timestamp: 3000,
        identity: { kind: 'identify', otherDistinctId: 'anon' },
        personOps: { set: { plan: 'pro' } },
      }),
      sampleEvent({ projectId: 'p2', distinctId: 'anon', timestamp: 1500 }),
      sampleEvent({
        projectId: 'p1',
        distinctId: 'anon',
        timestamp: 1000,
        personOps: { set: { plan: 'free' } },
      }),
    ]);
    assert.equal(bulk.pending, 3);
    await bulk.cut();
    assert.equal(bulk.pending, 0);
    // Chunk 2: another anonymous id joins the identified person later.
    await bulk.write([
      sampleEvent({ projectId: 'p1', distinctId: 'anon2', timestamp: 5000 }),
      sampleEvent({
        projectId: 'p1',
        distinctId: 'user@x',
        timestamp: 6000,
        identity: { kind: 'alias', otherDistinctId: 'anon2' },
      }),
    ]);
    assert.deepEqual(await bulk.finish(), { events: 5, chunks: 2 });
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 1, events: 4 },
    ]);
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p2'] }), [
      { people: 1, events: 1 },
    ]);
    const persons = await p.events.execute<{ plan: string; n: number }>({
      sql: `SELECT json_extract_string(properties, '$.plan') AS plan, count(*)::INTEGER AS n
        FROM persons WHERE project_id = 'p1' GROUP BY 1`,
      parameters: [],
    });
    // The later $set wins although it was listed first.
    assert.deepEqual(persons, [{ plan: 'pro', n: 1 }]);
    assert.deepEqual(await p.identity.changesAfter(0), [], 'the outbox is pruned');
    await p.close();
  });

  it('pauses a background flusher while it writes, and flushes what was captured meanwhile', async () => {
    const p = await openPipeline({
      dataDir: freshDir(),
      log,
      background: true,
      flushIntervalMs: 10,
    });
    const access = bulkAccess({ ...p, background: true });
    const seen = await access.exclusive(async (stores) => {
      await p.sink.accept([sampleEvent({ projectId: 'p1', distinctId: 'live', timestamp: 9000 })]);
      await new Promise((r) => setTimeout(r, 100));
      const spooled = p.stats().spooledEvents; // not flushed: the flusher is stopped
      await new BulkWriter(stores).write([
        sampleEvent({ projectId: 'p1', distinctId: 'seeded', timestamp: 1000 }),
      ]);
      return spooled;
    });
    assert.equal(seen, 1);
    for (let i = 0; i < 100 && p.stats().spooledEvents > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(p.stats().spooledEvents, 0, 'the restarted flusher took the captured event');
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 2, events: 2 },
    ]);
    await p.close();
  });

  it('keeps identity changes in the outbox until it mirrors them; a restart mirrors what it left', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    const world = {
      projectId: 'p_bulk',
      persons: 150,
      days: 20,
      seed: 3,
      endAt: 1_764_460_800_000,
    };
    const [a, b] = [...generateDemo({ ...world, batchSize: 1_000 })];
    assert.ok(a && b, 'two batches');
    const bulk = new BulkWriter(p, { mirrorEveryEvents: Number.POSITIVE_INFINITY });
    bulk.add(a);
    await bulk.cut();
    bulk.add(b);
    // Waits for the first chunk's write before starting the second's.
    await bulk.cut();
    const count = async (sql: string) =>
      Number((await p.events.execute<{ n: number }>({ sql, parameters: [world.projectId] }))[0]?.n);
    const persons = 'SELECT count(*)::INTEGER AS n FROM persons WHERE project_id = $1';
    const stored = 'SELECT count(*)::INTEGER AS n FROM events WHERE project_id = $1';
    assert.ok((await count(stored)) >= a.length, 'the first chunk is stored');
    assert.equal(await count(persons), 0, 'nothing mirrored yet');
    const watermark = await p.events.identityWatermark();
    assert.equal(
      (await p.identity.changesAfter(watermark)).length,
      2,
      'both chunks wait in the outbox',
    );

    // As after a crash: the flusher mirrors what the outbox still holds.
    await p.flusher.drain();
    assert.deepEqual(await p.identity.changesAfter(0), []);
    const [people] = await p.events.execute<{ people: number }>({
      sql: PEOPLE,
      parameters: [world.projectId],
    });
    assert.ok(Number(people?.people) > 0);
    assert.equal(
      await count(persons),
      Number(people?.people),
      'every person of a stored event is mirrored',
    );
    await p.close();
  });

  it('writes resolved rows in chunks only after the identity that covers them is committed', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    const row = (i: number) =>
      encodeEventRows([sampleEvent({ projectId: 'p1', distinctId: `d${i}`, timestamp: 1000 + i })]);
    // What the identity store knew of each person when a write of its rows began.
    const unknownAtWrite: string[] = [];
    const writes: number[] = [];
    const stores = {
      identity: p.identity,
      events: new Proxy(p.events, {
        get(target, key) {
          const value = Reflect.get(target, key, target);
          if (key !== 'writeEncoded' || typeof value !== 'function') return value;
          return async (batch: Parameters<EventStore['writeEncoded']>[0]) => {
            if (batch.personIds.length > 0) writes.push(batch.personIds.length);
            const known = await p.identity.loadPersons('p1', batch.personIds);
            for (const id of batch.personIds) if (!known.has(id)) unknownAtWrite.push(id);
            return value.call(target, batch);
          };
        },
      }),
    };
    try {
      const bulk = new BulkWriter(stores, { chunkEvents: 4 });
      const person = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const fold = (from: number, to: number): IdentityChanges => ({
        merges: [],
        distinctIds: Array.from({ length: to - from }, (_, k) => ({
          projectId: 'p1',
          distinctId: `d${from + k}`,
          personId: person(from + k),
        })),
        persons: Array.from({ length: to - from }, (_, k) => ({
          projectId: 'p1',
          id: person(from + k),
          isIdentified: false,
          createdAt: 1000 + from + k,
          version: 1,
          properties: {},
        })),
        groups: [],
      });
      for (let i = 0; i < 9; i++)
        bulk.addResolved({ rows: row(i), count: 1, personIds: [person(i)] });
      assert.equal(bulk.pending, 9);
      await bulk.commitResolved(fold(0, 9));
      for (let i = 9; i < 12; i++)
        bulk.addResolved({ rows: row(i), count: 1, personIds: [person(i)] });
      await bulk.commitResolved(fold(9, 12));
      assert.deepEqual(await bulk.finish(), { events: 12, chunks: 3 });
      assert.deepEqual(unknownAtWrite, []);
      // Chunks of four or more; a rest under half a chunk joins the chunk before it.
      assert.deepEqual(writes, [4, 5, 3]);
      assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
        { people: 12, events: 12 },
      ]);
    } finally {
      await p.close();
    }
  });

  it('refuses a resolved batch without a person per row, and finishing with rows still unresolved', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    try {
      const bulk = new BulkWriter(p);
      const rows = encodeEventRows([sampleEvent(), sampleEvent()]);
      assert.throws(
        () => bulk.addResolved({ rows, count: 2, personIds: ['x'] }),
        /a resolved batch of 2 events has 1 persons/,
      );
      bulk.addResolved({ rows, count: 2, personIds: ['x', 'y'] });
      await assert.rejects(bulk.finish(), /2 resolved events are still waiting for their identity/);
    } finally {
      await p.close();
    }
  });
});

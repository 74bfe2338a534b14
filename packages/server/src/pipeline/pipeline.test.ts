import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AnalyticsQuery } from '@opsloop/schema';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import pino from 'pino';
import { openPipeline } from './open-pipeline.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'opsloop-pipeline-'));
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

describe('ingest pipeline', () => {
  it('makes accepted events queryable, storing retries and replays once', async () => {
    const dataDir = freshDir();
    const p = await openPipeline({ dataDir, log });
    const a = sampleEvent({ distinctId: 'u1', event: 'a' });
    const b = sampleEvent({ distinctId: 'u1', event: 'b' });
    await p.sink.accept([a, b]);
    await p.sink.accept([a]); // a client retry in another request
    await p.sink.accept([b, b]); // a duplicate within one batch
    await p.flusher.drain();
    await p.sink.accept([a, sampleEvent({ ...b, timestamp: b.timestamp + 2000 })]); // after the flush
    await p.flusher.drain();
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 1, events: 2 },
    ]);
    assert.equal(p.stats().flushedEvents, 2);
    assert.equal(p.stats().duplicatesSkipped, 5);
    assert.equal(p.stats().spooledEvents, 0);
    await p.close();
  });

  it('gives the embedded store its funnel threads, whose funnels agree with the reading thread', async () => {
    const day = Date.UTC(2024, 0, 1);
    const events = Array.from({ length: 300 }, (_, i) =>
      sampleEvent({
        distinctId: `u${Math.floor(i / 5)}`,
        event: ['visit', 'signup', 'buy'][i % 3] ?? 'visit',
        timestamp: day + i * 60_000,
      }),
    );
    const query = AnalyticsQuery.parse({
      kind: 'funnel',
      dateRange: { from: '2024-01-01', to: '2024-01-01' },
      steps: [{ event: 'visit' }, { event: 'signup' }, { event: 'buy' }],
      window: { value: 1, unit: 'day' },
    });
    const counts = [];
    for (const funnelThreads of [0, 2]) {
      const p = await openPipeline({ dataDir: freshDir(), log, funnelThreads });
      assert.ok(p.events instanceof DuckDBEventStore);
      assert.equal(p.events.funnelThreads.size, funnelThreads);
      await p.sink.accept(events);
      await p.flusher.drain();
      const r = await runAnalyticsQuery(p.events, query, {
        projectId: 'p1',
        timezone: 'UTC',
        now: day,
      });
      counts.push('steps' in r ? r.steps.map((s) => s.count) : r);
      await p.close();
    }
    // 60 persons of five events each, visit, signup and buy in turn: every one converts.
    assert.deepEqual(counts, [
      [60, 60, 60],
      [60, 60, 60],
    ]);
  });

  it('merges events sent before an identify that arrives later, and counts the person once', async () => {
    const dataDir = freshDir();
    const p = await openPipeline({ dataDir, log });
    await p.sink.accept([
      sampleEvent({ distinctId: 'anon', timestamp: 1000 }),
      sampleEvent({ distinctId: 'anon', timestamp: 2000 }),
    ]);
    await p.flusher.drain();
    await p.sink.accept([
      sampleEvent({
        distinctId: 'user@x',
        timestamp: 3000,
        identity: { kind: 'identify', otherDistinctId: 'anon' },
      }),
    ]);
    await p.flusher.drain();
    // An event of the anonymous id that arrives late still joins the person.
    await p.sink.accept([sampleEvent({ distinctId: 'anon', timestamp: 500 })]);
    await p.close();

    const reopened = await openPipeline({ dataDir, log });
    assert.deepEqual(await reopened.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 1, events: 4 },
    ]);
    const persons = await reopened.events.execute<{ n: number; identified: boolean }>({
      sql: 'SELECT count(*) AS n, bool_and(is_identified) AS identified FROM persons',
      parameters: [],
    });
    assert.deepEqual(persons, [{ n: 1, identified: true }]);
    await reopened.close();
  });

  it('applies person properties in event-time order whatever the arrival order', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    const at = (
      t: number,
      personOps: NonNullable<Parameters<typeof sampleEvent>[0]>['personOps'],
    ) => sampleEvent({ distinctId: 'u', timestamp: t, personOps });
    await p.sink.accept([at(3000, { set: { plan: 'pro' }, setOnce: { first: 'c' } })]);
    await p.flusher.drain();
    await p.sink.accept([
      at(1000, { set: { plan: 'free', city: 'Oslo' }, setOnce: { first: 'a' } }),
    ]);
    await p.flusher.drain();
    await p.sink.accept([at(2000, { setOnce: { first: 'b' }, unset: ['city'] })]);
    await p.flusher.drain();
    const [row] = await p.events.execute<{ props: string }>({
      sql: 'SELECT properties::VARCHAR AS props FROM persons',
      parameters: [],
    });
    assert.deepEqual(JSON.parse(row?.props ?? '{}'), { plan: 'pro', first: 'a' });
    await p.close();
  });

  it('keeps two identified persons apart on identify, merges them on merge_dangerously', async () => {
    const p = await openPipeline({ dataDir: freshDir(), log });
    const id = (d: string, other: string, kind: 'identify' | 'merge_dangerously', t: number) =>
      sampleEvent({ distinctId: d, timestamp: t, identity: { kind, otherDistinctId: other } });
    await p.sink.accept([id('alice', 'anon1', 'identify', 1), id('bob', 'anon2', 'identify', 2)]);
    await p.sink.accept([id('alice', 'bob', 'identify', 3)]);
    await p.flusher.drain();
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 2, events: 3 },
    ]);
    await p.sink.accept([id('alice', 'bob', 'merge_dangerously', 4)]);
    await p.flusher.drain();
    assert.deepEqual(await p.events.execute({ sql: PEOPLE, parameters: ['p1'] }), [
      { people: 1, events: 4 },
    ]);
    const ids = await p.events.execute<{ n: number; persons: number }>({
      sql: 'SELECT count(*) AS n, count(DISTINCT person_id) AS persons FROM person_distinct_ids',
      parameters: [],
    });
    assert.deepEqual(ids, [{ n: 4, persons: 1 }]);
    await p.close();
  });

  it('stores group properties and counts dropped events durably', async () => {
    const dataDir = freshDir();
    const p = await openPipeline({ dataDir, log });
    await p.sink.accept([
      sampleEvent({
        timestamp: 2,
        groupIdentify: { groupType: 'company', groupKey: 'acme', set: { size: 10 } },
      }),
      sampleEvent({
        timestamp: 1,
        groupIdentify: { groupType: 'company', groupKey: 'acme', set: { size: 5, tier: 'a' } },
      }),
    ]);
    p.sink.recordDropped('p1', 'bot', 4);
    await p.close();
    const q = await openPipeline({ dataDir, log });
    const groups = await q.events.execute<{ props: string }>({
      sql: 'SELECT properties::VARCHAR AS props FROM groups',
      parameters: [],
    });
    assert.deepEqual(
      groups.map((g) => JSON.parse(g.props)),
      [{ size: 10, tier: 'a' }],
    );
    assert.deepEqual(
      q.spool.droppedCounts('p1').map((d) => d.count),
      [4],
    );
    await q.close();
  });
});

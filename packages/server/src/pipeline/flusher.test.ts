import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import type { EventStore } from '@opsloop/store/events/event-store';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import { Spool } from '@opsloop/store/spool/spool';
import pino from 'pino';
import { Flusher } from './flusher.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-flusher-'));
  dirs.push(dir);
  const events = await DuckDBEventStore.open(join(dir, 'events.duckdb'));
  const identity = SqliteIdentityStore.open(join(dir, 'identity.sqlite'));
  const spool = Spool.open(join(dir, 'spool.sqlite'));
  const close = async () => {
    await spool.close();
    await identity.close();
    await events.close();
  };
  return { events, identity, spool, close };
}

const COUNTS = `SELECT uuid::VARCHAR AS uuid, count(*) AS n FROM events GROUP BY uuid ORDER BY uuid`;

describe('Flusher pipelining', () => {
  it('stores each event once when a retry lands in the flush prepared during a write', async () => {
    const s = await open();
    try {
      const e = Array.from({ length: 6 }, (_, i) => sampleEvent({ distinctId: `u${i % 2}` }));
      const [a, b, c, d, f, g] = e as [
        (typeof e)[0],
        (typeof e)[0],
        (typeof e)[0],
        (typeof e)[0],
        (typeof e)[0],
        (typeof e)[0],
      ];
      // Two events per flush: each retry falls in the flush after its original,
      // which is prepared while the original is still being written.
      for (const batch of [[a, b], [a, c], [b, d], [c, f], [g, d], [g]])
        await s.spool.enqueue(batch);
      const flusher = new Flusher({ ...s, log, maxEvents: 2 });
      await flusher.drain();
      const rows = await s.events.execute<{ uuid: string; n: number }>({
        sql: COUNTS,
        parameters: [],
      });
      assert.deepEqual(
        rows,
        e.map((x) => ({ uuid: x.uuid, n: 1 })).sort((x, y) => (x.uuid < y.uuid ? -1 : 1)),
      );
      assert.equal(flusher.stats().flushedEvents, 6);
      assert.equal(flusher.stats().duplicatesSkipped, 5);
      assert.equal(flusher.stats().spooledEvents, 0);
    } finally {
      await s.close();
    }
  });

  it('stops the chain at a failed write and loses nothing on the retry', async () => {
    const s = await open();
    try {
      let writes = 0;
      const failing: EventStore = Object.create(s.events, {
        writeEncoded: {
          value: (batch: Parameters<EventStore['writeEncoded']>[0]) =>
            ++writes === 2 ? Promise.reject(new Error('disk full')) : s.events.writeEncoded(batch),
        },
      });
      const events = Array.from({ length: 8 }, (_, i) => sampleEvent({ distinctId: `u${i % 3}` }));
      for (let i = 0; i < events.length; i += 2) await s.spool.enqueue(events.slice(i, i + 2));
      const flusher = new Flusher({ ...s, events: failing, log, maxEvents: 2 });
      await assert.rejects(flusher.drain(), /disk full/);
      // The first flush is stored; the second failed, the third was prepared but never written.
      assert.equal(await s.events.countEvents('p1'), 2);
      assert.equal(s.spool.depth().events, 6);
      await flusher.drain();
      const rows = await s.events.execute<{ uuid: string; n: number }>({
        sql: COUNTS,
        parameters: [],
      });
      assert.equal(rows.length, 8);
      assert.ok(rows.every((r) => r.n === 1));
      assert.equal(s.spool.depth().events, 0);
      const persons = await s.events.execute<{ n: number }>({
        sql: 'SELECT count(DISTINCT person_id) AS n FROM person_distinct_ids',
        parameters: [],
      });
      assert.deepEqual(persons, [{ n: 3 }]);
    } finally {
      await s.close();
    }
  });
});

describe('Flusher batching under load', () => {
  const spooled = (f: Flusher) => f.stats().spooledEvents;
  async function until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting until ${what}`);
  }

  it('flushes quiet traffic at once, holds small flushes back when busy, not full-sized ones', async () => {
    const s = await open();
    const flusher = new Flusher({
      ...s,
      log,
      intervalMs: 20,
      batching: { busyEvents: 3, minGapMs: 60_000, enoughEvents: 10 },
      utilization: () => 0,
    });
    try {
      const batch = (n: number) => Array.from({ length: n }, () => sampleEvent());
      await s.spool.enqueue(batch(4));
      flusher.start();
      await until(() => spooled(flusher) === 0, 'the first (quiet) batch is flushed');
      // That run moved 4 events (busy): 2 more wait for the gap (a minute here).
      await s.spool.enqueue(batch(2));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(spooled(flusher), 2);
      // 10 waiting is a full-sized flush: no wait.
      await s.spool.enqueue(batch(8));
      await until(() => spooled(flusher) === 0, 'a full-sized flush goes without waiting');
      // Stopping drains whatever is held back.
      await s.spool.enqueue(batch(1));
      await flusher.stop();
      assert.equal(spooled(flusher), 0);
      const [row] = await s.events.execute<{ n: number }>({
        sql: 'SELECT count(*)::INTEGER AS n FROM events',
        parameters: [],
      });
      assert.equal(row?.n, 15);
    } finally {
      await flusher.stop();
      await s.close();
    }
  });

  it('waits for full-sized flushes while the process is saturated, and stops when it is not', async () => {
    const s = await open();
    let utilization = 0.9;
    const flusher = new Flusher({
      ...s,
      log,
      intervalMs: 20,
      maxEvents: 20,
      batching: { busyEvents: 3, minGapMs: 10, enoughEvents: 5, saturatedGapMs: 60_000 },
      utilization: () => utilization,
    });
    try {
      const batch = (n: number) => Array.from({ length: n }, () => sampleEvent());
      await s.spool.enqueue(batch(4));
      flusher.start();
      await until(() => spooled(flusher) === 0, 'the first batch is flushed');
      // Busy and saturated: 6 events would be enough when not saturated, here
      // they wait for the saturated gap (a minute) or a full-sized flush (20).
      await s.spool.enqueue(batch(6));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(spooled(flusher), 6);
      await s.spool.enqueue(batch(14));
      await until(() => spooled(flusher) === 0, 'a full-sized flush goes at once');
      // The burst is over: the short gap applies again.
      await s.spool.enqueue(batch(6));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(spooled(flusher), 6);
      utilization = 0.1;
      await until(() => spooled(flusher) === 0, 'flushed after the short gap once not saturated');
      const [row] = await s.events.execute<{ n: number }>({
        sql: 'SELECT count(*)::INTEGER AS n FROM events',
        parameters: [],
      });
      assert.equal(row?.n, 30);
    } finally {
      await flusher.stop();
      await s.close();
    }
  });
});

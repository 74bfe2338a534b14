import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sampleEvent } from '../events/contract/sample-event.js';
import { decodeEventRows } from './event-rows.js';
import { Spool } from './spool.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-spool-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `spool-${++n}.sqlite`);

describe('Spool', () => {
  it('commits concurrent accepts together and keeps their order', async () => {
    const spool = Spool.open(freshPath());
    const batches = Array.from({ length: 50 }, (_, i) => [
      sampleEvent({ event: `e${i}a` }),
      sampleEvent({ event: `e${i}b` }),
    ]);
    await Promise.all(batches.map((b) => spool.enqueue(b)));
    const read = spool.readBatches({ maxEvents: 1000 });
    assert.equal(read.length, 50);
    assert.deepEqual(
      read.map((b) => decodeEventRows(b.rows).map((e) => e.event)),
      batches.map((b) => b.map((e) => e.event)),
    );
    // One group: every row carries the same commit time, ids are consecutive.
    assert.deepEqual(
      read.map((b) => b.id),
      read.map((_, i) => (read[0]?.id ?? 0) + i),
    );
    assert.deepEqual(spool.depth().events, 100);
    await spool.close();
  });

  it('keeps accepted batches across a reopen and forgets deleted ones', async () => {
    const path = freshPath();
    const first = Spool.open(path);
    await first.enqueue([sampleEvent({ event: 'a' })]);
    await first.enqueue([sampleEvent({ event: 'b' }), sampleEvent({ event: 'c' })]);
    first.recordDropped('p1', 'bot', 3);
    first.recordDropped('p1', 'bot', 2);
    await first.close();
    const second = Spool.open(path);
    const read = second.readBatches({ maxEvents: 1 });
    assert.deepEqual(
      read.map((b) => decodeEventRows(b.rows).map((e) => e.event)),
      [['a']],
    );
    await second.deleteThrough(read[0]?.id ?? 0);
    assert.deepEqual(
      second.readBatches({ maxEvents: 10 }).map((b) => [b.count, b.heads.length]),
      [[2, 2]],
    );
    assert.deepEqual(
      second.droppedCounts('p1').map((d) => [d.reason, d.count]),
      [['bot', 5]],
    );
    await second.close();
  });

  it('reads at least one batch even when it is larger than the limit', async () => {
    const spool = Spool.open(freshPath());
    await spool.enqueue([sampleEvent(), sampleEvent(), sampleEvent()]);
    assert.equal(spool.readBatches({ maxEvents: 1 })[0]?.count, 3);
    assert.equal(spool.depth().batches, 1);
    await spool.close();
    await assert.rejects(spool.enqueue([sampleEvent()]));
  });

  it('gives back exactly the events accepted, with their heads', async () => {
    const spool = Spool.open(freshPath());
    const events = [
      sampleEvent({
        event: 'a\u001fb\u001ec\u001d',
        url: '',
        referrer: 'r "quoted" \\ é 😀',
        properties: { nested: { x: [1, null, 'y\u001f'] }, empty: '' },
        personOps: { set: { plan: 'pro' }, unset: ['old'] },
        identity: { kind: 'identify', otherDistinctId: 'anon-1' },
        groups: { company: 'acme' },
        groupIdentify: { groupType: 'company', groupKey: 'acme', set: { size: 3 } },
      }),
      sampleEvent({ timestamp: -5, groups: {} }),
    ];
    await spool.enqueue(events);
    const [batch] = spool.readBatches({ maxEvents: 10 });
    assert.deepEqual(decodeEventRows(batch?.rows ?? ''), events);
    assert.deepEqual(
      batch?.heads,
      events.map((e, row) => ({
        projectId: e.projectId,
        uuid: e.uuid,
        distinctId: e.distinctId,
        timestamp: e.timestamp,
        identity: e.identity,
        personOps: e.personOps,
        groupIdentify: e.groupIdentify,
        row,
      })),
    );
    await spool.close();
  });

  it('stores rows and heads as text; an unpaired surrogate in a text field becomes U+FFFD', async () => {
    const path = freshPath();
    const spool = Spool.open(path);
    const event = sampleEvent({
      event: 'a\ud800b',
      distinctId: 'é😀\udc00',
      properties: { lone: 'x\ud800y' },
    });
    await spool.enqueue([event]);
    const [batch] = spool.readBatches({ maxEvents: 10 });
    const [read] = decodeEventRows(batch?.rows ?? '');
    assert.equal(read?.event, 'a\ufffdb');
    assert.equal(read?.distinctId, 'é😀\ufffd');
    // The heads agree, so identity resolution sees the distinct id the event store keeps.
    assert.equal(batch?.heads[0]?.distinctId, 'é😀\ufffd');
    // JSON.stringify escapes it, so properties keep it exactly.
    assert.deepEqual(read?.properties, { lone: 'x\ud800y' });
    await spool.close();
    const db = new Database(path, { readonly: true });
    assert.deepEqual(
      db.prepare('SELECT typeof(payload) AS p, typeof(head) AS h FROM spooled_batches').all(),
      [{ p: 'text', h: 'text' }],
    );
    db.close();
  });

  it('reads batches spooled in the earlier JSON form', async () => {
    const path = freshPath();
    const legacy = new Database(path);
    legacy.exec(`CREATE TABLE spooled_batches (id INTEGER PRIMARY KEY AUTOINCREMENT,
      accepted_at INTEGER NOT NULL, event_count INTEGER NOT NULL, payload TEXT NOT NULL)`);
    const events = [sampleEvent({ event: 'old' }), sampleEvent({ url: null })];
    legacy
      .prepare('INSERT INTO spooled_batches (accepted_at, event_count, payload) VALUES (?, ?, ?)')
      .run(1000, events.length, JSON.stringify(events));
    legacy.close();
    const spool = Spool.open(path);
    await spool.enqueue([sampleEvent({ event: 'new' })]);
    const read = spool.readBatches({ maxEvents: 10 });
    assert.deepEqual(
      read.map((b) => decodeEventRows(b.rows).map((e) => e.event)),
      [['old', events[1]?.event], ['new']],
    );
    assert.deepEqual(decodeEventRows(read[0]?.rows ?? ''), events);
    assert.deepEqual(
      read.flatMap((b) => b.heads.map((h) => [h.uuid, h.row])),
      [...events.map((e, i) => [e.uuid, i]), [read[1]?.heads[0]?.uuid, 2]],
    );
    await spool.close();
  });

  it('seals after every accepted batch is committed, and refuses later ones', async () => {
    const spool = Spool.open(freshPath());
    const accepted = Array.from({ length: 20 }, (_, i) =>
      spool.enqueue([sampleEvent({ event: `s${i}` })]),
    );
    await spool.seal();
    assert.equal(spool.depth().events, 20);
    await Promise.all(accepted);
    await assert.rejects(spool.enqueue([sampleEvent()]), /closed/);
    const [first] = spool.readBatches({ maxEvents: 1 });
    await spool.deleteThrough(first?.id ?? 0);
    assert.equal(spool.depth().events, 19);
    await spool.close();
  });

  it('does not keep the process alive while no accept waits on the writer thread', () => {
    // A script that accepts one batch and never closes the spool must still exit.
    const script = `
      const { Spool } = await import(${JSON.stringify(new URL('./spool.js', import.meta.url).href)});
      const spool = Spool.open(${JSON.stringify(freshPath())});
      await spool.enqueue([{ ...${JSON.stringify(sampleEvent({ event: 'left-open' }))} }]);
      console.log(spool.depth().events);
    `;
    const file = join(dir, 'left-open.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { timeout: 15_000, encoding: 'utf8' });
    assert.equal(child.signal, null, 'the process had to be killed: the writer kept it alive');
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), '1');
    // Nor before the first accept: a spool opened and left alone.
    const idle = join(dir, 'left-idle.mjs');
    writeFileSync(
      idle,
      `const { Spool } = await import(${JSON.stringify(new URL('./spool.js', import.meta.url).href)});
      Spool.open(${JSON.stringify(freshPath())});
      console.log('opened');`,
    );
    const idleChild = spawnSync(process.execPath, [idle], { timeout: 15_000, encoding: 'utf8' });
    assert.equal(
      idleChild.signal,
      null,
      'the process had to be killed: an idle writer kept it alive',
    );
    assert.equal(idleChild.stdout.trim(), 'opened');
  });
});

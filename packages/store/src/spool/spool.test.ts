import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleEvent } from '../events/contract/sample-event.js';
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
      read.map((b) => b.events.map((e) => e.event)),
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
      read.map((b) => b.events.map((e) => e.event)),
      [['a']],
    );
    second.deleteThrough(read[0]?.id ?? 0);
    assert.deepEqual(
      second.readBatches({ maxEvents: 10 }).map((b) => b.events.length),
      [2],
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
    assert.equal(spool.readBatches({ maxEvents: 1 })[0]?.events.length, 3);
    assert.equal(spool.depth().batches, 1);
    await spool.close();
    await assert.rejects(spool.enqueue([sampleEvent()]));
  });
});

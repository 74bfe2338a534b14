import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { within } from '@opsloop/store/testing/within';
import { encodeBulkBatch } from '../pipeline/bulk-batch.js';
import { generateDemoBatches } from './generate.js';
import { demoBatchesInWorker } from './worker-batches.js';

const WORLD = {
  projectId: 'p_demo',
  persons: 200,
  days: 20,
  seed: 5,
  endAt: Date.UTC(2025, 10, 30, 16),
  batchSize: 300,
};

describe('the demo generated in a worker thread', () => {
  it('gives the batches generated in this thread, encoded, in order, when read slowly', async () => {
    const expected = [...generateDemoBatches(WORLD)];
    const got = [];
    // One batch ahead at most, and a reader slower than the thread.
    for await (const b of demoBatchesInWorker(WORLD, { ahead: 1 })) {
      got.push(b);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.ok(expected.length > 5, 'the world spans several batches');
    assert.equal(got.length, expected.length);
    got.forEach(({ batch, at }, i) => {
      const e = expected[i];
      assert.ok(e);
      assert.deepEqual(at, {
        day: e.day,
        days: e.days,
        eventsSoFar: e.eventsSoFar,
        personsSoFar: e.personsSoFar,
      });
      assert.deepEqual(batch, encodeBulkBatch(e.events));
    });
  });

  it('stops the thread when the reader stops early', async () => {
    const batches = demoBatchesInWorker({ ...WORLD, persons: 100_000, days: 90 });
    const first = await batches.next();
    assert.equal(first.done, false);
    // `return` ends the generator, whose `finally` terminates the thread.
    const ended = await within(5_000, 'stopping the generator thread', batches.return());
    assert.equal(ended.done, true);
  });

  it('refuses bad options with what was wrong, before starting a thread', async () => {
    await assert.rejects(
      demoBatchesInWorker({ ...WORLD, persons: 0 }).next(),
      (err: Error) => /"persons"/.test(err.message) && />=1/.test(err.message),
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import { encodeEventRows } from '@opsloop/store/spool/event-rows';
import { within } from '@opsloop/store/testing/within';
import { resolvePersons } from '../pipeline/resolve-identities.js';
import { generateDemoBatches } from './generate.js';
import { type DemoWorkerMessage, demoBatchesInWorker } from './worker-batches.js';

/** Distinct ids grouped by person, comparable whatever the person ids are. */
const partition = (ids: Map<string, string>): string[] => {
  const byPerson = new Map<string, string[]>();
  for (const [d, p] of ids) byPerson.set(p, [...(byPerson.get(p) ?? []), d]);
  return [...byPerson.values()].map((g) => g.sort().join(',')).sort();
};

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
    const got: Array<Extract<DemoWorkerMessage, { type: 'batch' }>> = [];
    // One batch ahead at most, and a reader slower than the thread.
    for await (const m of demoBatchesInWorker(WORLD, { ahead: 1, identityEveryEvents: 1_000 })) {
      if (m.type === 'batch') got.push(m);
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
      assert.equal(batch.rows, encodeEventRows(e.events));
      assert.equal(batch.count, e.events.length);
      assert.equal(batch.personIds.length, e.events.length);
    });
  });

  it('resolves persons as this thread would, and posts identity before the rows it covers are needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsloop-worker-identity-'));
    const durable = SqliteIdentityStore.open(join(dir, 'identity.sqlite'));
    const here = SqliteIdentityStore.open(join(dir, 'here.sqlite'));
    try {
      // Every batch's persons, as resolved in the worker, waiting for an identity message.
      let waiting: string[] = [];
      const seen = new Set<string>();
      let folds = 0;
      for await (const m of demoBatchesInWorker(WORLD, { identityEveryEvents: 300 })) {
        if (m.type === 'batch') {
          for (const p of m.batch.personIds) waiting.push(p);
          continue;
        }
        folds++;
        await durable.commit(m.changes);
        for (const p of m.changes.persons) seen.add(p.id);
        for (const x of m.changes.merges) seen.add(x.oldPersonId);
        // Each row's person is one the identity store knows of by now (a person, or merged away).
        for (const p of waiting) assert.ok(seen.has(p), `person ${p} posted before its identity`);
        waiting = [];
      }
      assert.deepEqual(waiting, [], 'identity follows the last batch');
      assert.ok(folds > 3, `${folds} folds`);
      // The same world resolved here, batch by batch against SQLite: the same persons.
      const ids = new Set<string>();
      for (const b of generateDemoBatches(WORLD)) {
        await here.commit(await resolvePersons(b.events, here, { onPerson: () => {} }));
        for (const e of b.events) {
          ids.add(e.distinctId);
          if (e.identity) ids.add(e.identity.otherDistinctId);
        }
      }
      const all = [...ids];
      const theirs = await durable.lookupDistinctIds(WORLD.projectId, all);
      assert.equal(theirs.size, all.length);
      assert.deepEqual(
        partition(theirs),
        partition(await here.lookupDistinctIds(WORLD.projectId, all)),
      );
    } finally {
      await durable.close();
      await here.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the thread when the reader stops early', async () => {
    const batches = demoBatchesInWorker({ ...WORLD, persons: 100_000, days: 90 });
    const first = await batches.next();
    assert.equal(first.done, false);
    // `return` ends the generator, whose `finally` terminates the thread.
    const ended = await within(5_000, 'stopping the generator thread', batches.return());
    assert.equal(ended.done, true);
  });

  it("fails the read with the thread's error when the thread dies mid-run", async () => {
    // A heap too small for a large world: the thread runs out of memory after some batches.
    const read = async () => {
      let batches = 0;
      for await (const m of demoBatchesInWorker(
        { ...WORLD, persons: 200_000, days: 90 },
        { resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } },
      )) {
        if (m.type === 'batch') batches++;
      }
      return batches;
    };
    await within(
      60_000,
      'the read of a dying thread',
      assert.rejects(read(), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_WORKER_OUT_OF_MEMORY', err.message);
        return true;
      }),
    );
  });

  it('refuses bad options with what was wrong, before starting a thread', async () => {
    await assert.rejects(
      demoBatchesInWorker({ ...WORLD, persons: 0 }).next(),
      (err: Error) => /"persons"/.test(err.message) && />=1/.test(err.message),
    );
  });
});

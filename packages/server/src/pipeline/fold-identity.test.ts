import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { IdentityOp } from '@opsloop/schema';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { foldIdentityChanges } from '@opsloop/store/identity/fold-changes';
import { MemoryIdentityStore } from '@opsloop/store/identity/memory-identity-store';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import { dumpSqliteIdentity } from '@opsloop/store/testing/identity-dump';
import fc from 'fast-check';
import { resolvePersons } from './resolve-identities.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-fold-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const arbEvent = fc.record({
  d: fc.constantFrom(...ids),
  project: fc.constantFrom('p1', 'p1', 'p2'),
  t: fc.integer({ min: 0, max: 50 }),
  identity: fc.option(
    fc.record({
      kind: fc.constantFrom<IdentityOp['kind']>('identify', 'alias', 'merge_dangerously', 'link'),
      otherDistinctId: fc.constantFrom(...ids),
    }),
    { freq: 3 },
  ),
  set: fc.option(fc.dictionary(fc.constantFrom('plan', 'city'), fc.integer({ max: 9 })), {
    freq: 3,
  }),
  group: fc.option(fc.constantFrom('acme', 'globex'), { freq: 5 }),
});

describe('foldIdentityChanges', () => {
  it('leaves a store as committing the change sets one by one does, whatever the drains', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEvent, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        async (events, batchSizes, drainAfter) => {
          const batchesIn = events.map((e) =>
            sampleEvent({
              projectId: e.project,
              distinctId: e.d,
              timestamp: 1_000 + e.t,
              identity: e.identity,
              personOps: e.set ? { set: e.set } : null,
              groupIdentify: e.group
                ? { groupType: 'company', groupKey: e.group, set: { n: e.t } }
                : null,
            }),
          );
          let next = 0;
          const newPersonId = () => `person-${++next}`;
          const memory = new MemoryIdentityStore();
          const oneByOne = SqliteIdentityStore.open(join(dir, `seq-${++n}.sqlite`));
          const folded = SqliteIdentityStore.open(join(dir, `fold-${n}.sqlite`));
          try {
            let drained = 0;
            let at = 0;
            for (let b = 0; at < batchesIn.length; b++) {
              const size = batchSizes[b % batchSizes.length] ?? 1;
              const batch = batchesIn.slice(at, at + size);
              at += size;
              const changes = await resolvePersons(batch, memory, {
                newPersonId,
                onPerson: () => {},
              });
              const seq = await memory.commit(changes);
              await oneByOne.commit(changes);
              if (drainAfter[b % drainAfter.length] || at >= batchesIn.length) {
                await folded.commit(foldIdentityChanges(await memory.changesAfter(drained)));
                await memory.pruneThrough(seq);
                drained = seq;
              }
            }
            assert.deepEqual(await memory.changesAfter(0), []);
            const expected = dumpSqliteIdentity(join(dir, `seq-${n}.sqlite`));
            assert.deepEqual(dumpSqliteIdentity(join(dir, `fold-${n}.sqlite`)), expected);
            // The memory store answers as the durable one it stands in for.
            for (const project of ['p1', 'p2']) {
              assert.deepEqual(
                await memory.lookupDistinctIds(project, ids),
                await oneByOne.lookupDistinctIds(project, ids),
              );
              const persons = Array.from({ length: next }, (_, i) => `person-${i + 1}`);
              assert.deepEqual(
                await memory.loadPersons(project, persons),
                await oneByOne.loadPersons(project, persons),
              );
            }
          } finally {
            await Promise.all([oneByOne.close(), folded.close(), memory.close()]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CanonicalEvent, IdentityOp } from '@opsloop/schema';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { materialize } from '@opsloop/store/identity/property-state';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import fc from 'fast-check';
import { resolveIdentities, resolvePersons } from './resolve-identities.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-identity-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/**
 * The reference: a plain union-find over the identity operations in event-time
 * order, with PostHog's rule that `identify` does not merge an identified person.
 */
function referencePartition(events: readonly CanonicalEvent[]): Map<string, string> {
  const parent = new Map<string, string>();
  const identified = new Set<string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    return r;
  };
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  for (const e of sorted) {
    const d = e.distinctId;
    const op = e.identity;
    if (!op) {
      if (!parent.has(d)) parent.set(d, d);
      continue;
    }
    const o = op.otherDistinctId;
    const known = (x: string) => parent.has(x);
    if (!known(d) && !known(o)) {
      parent.set(d, d);
      parent.set(o, d);
    } else if (!known(d)) parent.set(d, find(o));
    else if (!known(o)) parent.set(o, find(d));
    else {
      const rd = find(d);
      const ro = find(o);
      if (rd !== ro && (op.kind !== 'identify' || !identified.has(ro))) {
        parent.set(ro, rd);
        if (identified.has(ro)) identified.add(rd);
      } else if (rd !== ro && !identified.has(rd)) parent.set(rd, ro);
    }
    identified.add(find(d));
  }
  const out = new Map<string, string>();
  for (const d of parent.keys()) out.set(d, find(d));
  return out;
}

/** Distinct ids grouped into sets, comparable whatever the person ids are. */
const groupsOf = (m: Map<string, string>) =>
  [...m.entries()]
    .reduce(
      (acc, [d, p]) => acc.set(p, [...(acc.get(p) ?? []), d].sort()),
      new Map<string, string[]>(),
    )
    .values();
const canonical = (m: Map<string, string>) => [...groupsOf(m)].map((g) => g.join(',')).sort();

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const arbOp = fc.record({
  d: fc.constantFrom(...ids),
  other: fc.option(
    fc.record({
      kind: fc.constantFrom<IdentityOp['kind']>('identify', 'alias', 'merge_dangerously', 'link'),
      otherDistinctId: fc.constantFrom(...ids),
    }),
    { freq: 2 },
  ),
});

describe('resolveIdentities', () => {
  it('groups distinct ids like a union-find reference, whatever plain events do and however batches split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbOp, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }),
        async (ops, plainPositions, batchSizes) => {
          // Identity operations arrive in event-time order; plain events (which
          // only create persons) arrive anywhere, often after the merges that cover them.
          const identity = ops.map((o, i) =>
            sampleEvent({ distinctId: o.d, timestamp: 1000 + i * 10, identity: o.other }),
          );
          const arrivals = [...identity];
          for (const [i, pos] of plainPositions.entries()) {
            const plain = sampleEvent({
              distinctId: ids[pos % ids.length] ?? 'a',
              timestamp: 1000 + (pos % 300) + i / 100,
            });
            arrivals.splice(pos % (arrivals.length + 1), 0, plain);
          }
          const store = SqliteIdentityStore.open(join(dir, `identity-${++n}.sqlite`));
          const personOfEvent = new Map<string, string>();
          const merges = new Map<string, string>();
          try {
            let at = 0;
            for (let b = 0; at < arrivals.length; b++) {
              const size = batchSizes[b % batchSizes.length] ?? 1;
              const batch = arrivals.slice(at, at + size);
              at += size;
              const r = await resolveIdentities(batch, store);
              await store.commit(r.changes);
              for (const e of r.events) personOfEvent.set(e.uuid, e.personId);
              for (const m of r.changes.merges) merges.set(m.oldPersonId, m.personId);
            }
            const all = [
              ...new Set(
                arrivals.flatMap((e) => [
                  e.distinctId,
                  e.identity?.otherDistinctId ?? e.distinctId,
                ]),
              ),
            ];
            const actual = await store.lookupDistinctIds('p1', all);
            assert.deepEqual(canonical(actual), canonical(referencePartition(arrivals)));
            // Through the overrides, every event counts under its distinct id's current person.
            const final = (p: string): string => {
              let x = p;
              for (let next = merges.get(x); next; next = merges.get(x)) x = next;
              return x;
            };
            for (const e of arrivals) {
              assert.equal(final(personOfEvent.get(e.uuid) ?? ''), actual.get(e.distinctId));
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses to merge two identified persons on identify but keeps the refused id apart', async () => {
    const store = SqliteIdentityStore.open(join(dir, `identity-${++n}.sqlite`));
    const ev = (d: string, kind: IdentityOp['kind'], other: string, t: number) =>
      sampleEvent({ distinctId: d, timestamp: t, identity: { kind, otherDistinctId: other } });
    const r = await resolveIdentities(
      [
        ev('alice', 'identify', 'anon1', 1),
        ev('bob', 'identify', 'anon2', 2),
        ev('alice', 'identify', 'bob', 3),
      ],
      store,
    );
    await store.commit(r.changes);
    assert.equal(r.changes.merges.length, 0);
    const m = await store.lookupDistinctIds('p1', ['alice', 'anon1', 'bob', 'anon2']);
    assert.equal(m.get('alice'), m.get('anon1'));
    assert.notEqual(m.get('alice'), m.get('bob'));
    await store.close();
  });

  it('keeps the newest $set and the earliest $set_once across batches and merges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.constantFrom('x', 'y'), { minLength: 12, maxLength: 12 }),
        async (times, once, who) => {
          const store = SqliteIdentityStore.open(join(dir, `identity-${++n}.sqlite`));
          try {
            const events = times.map((t, i) =>
              sampleEvent({
                distinctId: who[i] ?? 'x',
                timestamp: t,
                personOps: once[i] ? { setOnce: { v: t } } : { set: { v: t } },
              }),
            );
            // Arrival order is the generated order; then x and y are merged.
            for (const e of events)
              await store.commit((await resolveIdentities([e], store)).changes);
            const link = sampleEvent({
              distinctId: 'x',
              timestamp: 5000,
              identity: { kind: 'alias', otherDistinctId: 'y' },
            });
            await store.commit((await resolveIdentities([link], store)).changes);
            const person = (await store.lookupDistinctIds('p1', ['x'])).get('x') ?? '';
            const state = (await store.loadPersons('p1', [person])).get(person);
            const sets = times.filter((_, i) => !once[i]);
            const expected = sets.length > 0 ? Math.max(...sets) : Math.min(...times);
            assert.deepEqual(materialize(state?.properties ?? {}), { v: expected });
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('lets the event loop turn while it resolves a large batch', async () => {
    const store = SqliteIdentityStore.open(join(dir, `id-${n++}.sqlite`));
    const batch = Array.from({ length: 20_000 }, (_, i) =>
      sampleEvent({ distinctId: `visitor-${i % 5_000}`, timestamp: 1_000 + i }),
    );
    let resolved = 0;
    let resolvedAtFirstTurn = -1;
    try {
      const pending = resolvePersons(batch, store, { onPerson: () => resolved++ });
      // Without a turn of the loop inside, resolution would end in microtasks, before this runs.
      setImmediate(() => {
        resolvedAtFirstTurn = resolved;
      });
      await pending;
    } finally {
      await store.close();
    }
    assert.equal(resolved, batch.length);
    assert.ok(
      resolvedAtFirstTurn > 0 && resolvedAtFirstTurn < batch.length,
      `the loop first turned after ${resolvedAtFirstTurn} of ${batch.length} events`,
    );
  });
});

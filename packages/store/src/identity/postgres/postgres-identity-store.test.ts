import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  POSTGRES_MISSING,
  postgresSkipReason,
  type RunningPostgres,
  startPostgres,
} from '../../testing/postgres/start-postgres.js';
import { person, runIdentityStoreContract } from '../contract/identity-store-contract.js';
import type { IdentityChanges, IdentityStore, PersonState } from '../identity-store.js';
import { applySet } from '../property-state.js';
import { PostgresIdentityStore } from './postgres-identity-store.js';

const skip = postgresSkipReason();
let server: RunningPostgres | undefined;
before(async () => {
  if (!skip) server = await startPostgres();
});
after(() => server?.stop());
const fresh = () => {
  if (!server) throw new Error(POSTGRES_MISSING);
  return server.createDatabase();
};

/**
 * What one node's resolver does for events of unknown distinct ids: look them
 * up, create a person for each one still unknown, set a property, commit.
 */
async function resolveNew(
  node: IdentityStore,
  projectId: string,
  distinctIds: readonly string[],
  tag: string,
  at: number,
): Promise<IdentityChanges> {
  const known = await node.lookupDistinctIds(projectId, distinctIds);
  const changes: IdentityChanges = {
    merges: [],
    distinctIds: distinctIds
      .filter((d) => !known.has(d))
      .map((d) => ({ projectId, distinctId: d, personId: `${tag}-${d}` })),
    persons: distinctIds
      .filter((d) => !known.has(d))
      .map((d) => {
        const p = person(projectId, `${tag}-${d}`, { createdAt: at });
        applySet(p.properties, { [`seen_by_${tag}`]: true }, at);
        return p;
      }),
    groups: [],
  };
  await node.commit(changes);
  return changes;
}

describe('PostgreSQL', { skip }, () => {
  runIdentityStoreContract('postgres', async () =>
    PostgresIdentityStore.open({ url: await fresh() }),
  );

  describe('PostgreSQL identity store, two nodes', () => {
    it('ends with one person per new distinct id when two nodes create them at once', async () => {
      const url = await fresh();
      const [a, b] = await Promise.all([
        PostgresIdentityStore.open({ url }),
        PostgresIdentityStore.open({ url }),
      ]);
      const ids = Array.from({ length: 20 }, (_, i) => `user-${i}`);
      // Both look up before either commits: every id is new to both.
      const [knownA, knownB] = await Promise.all([
        a.lookupDistinctIds('p1', ids),
        b.lookupDistinctIds('p1', ids),
      ]);
      assert.equal(knownA.size + knownB.size, 0);
      const make = (tag: string, at: number): IdentityChanges => ({
        merges: [],
        distinctIds: ids.map((d) => ({ projectId: 'p1', distinctId: d, personId: `${tag}-${d}` })),
        persons: ids.map((d) => {
          const p = person('p1', `${tag}-${d}`, { createdAt: at });
          applySet(p.properties, { [`seen_by_${tag}`]: true }, at);
          return p;
        }),
        groups: [],
      });
      await Promise.all([a.commit(make('a', 10)), b.commit(make('b', 20))]);

      const fromA = await a.lookupDistinctIds('p1', ids);
      const fromB = await b.lookupDistinctIds('p1', ids);
      assert.deepEqual(fromA, fromB, 'both nodes see the same mapping');
      assert.equal(fromA.size, ids.length);
      const owners = new Set(fromA.values());
      const everyone = await a.loadPersons(
        'p1',
        ids.flatMap((d) => [`a-${d}`, `b-${d}`]),
      );
      assert.equal(everyone.size, ids.length, 'one person per distinct id, the other merged');
      assert.deepEqual(new Set(everyone.keys()), owners);
      for (const p of everyone.values()) {
        assert.equal(p.createdAt, 10, 'the earliest event of both');
        assert.deepEqual(Object.keys(p.properties).sort(), ['seen_by_a', 'seen_by_b']);
      }
      // The outbox says what to mirror: both change sets, then the merges that fix them.
      const outbox = await a.changesAfter(0);
      assert.equal(outbox.length, 3);
      const merges = outbox.flatMap((e) => e.merges);
      assert.equal(merges.length, ids.length);
      for (const m of merges) assert.ok(owners.has(m.personId) && !owners.has(m.oldPersonId));
      await Promise.all([a.close(), b.close()]);
    });

    it('keeps both nodes\u2019 property changes to the same person', async () => {
      const url = await fresh();
      const [a, b] = await Promise.all([
        PostgresIdentityStore.open({ url }),
        PostgresIdentityStore.open({ url }),
      ]);
      await a.commit({
        merges: [],
        distinctIds: [{ projectId: 'p1', distinctId: 'u', personId: 'pu' }],
        persons: [person('p1', 'pu')],
        groups: [],
      });
      const [loadedA, loadedB] = await Promise.all([
        a.loadPersons('p1', ['pu']),
        b.loadPersons('p1', ['pu']),
      ]);
      const edit = (p: PersonState | undefined, set: Record<string, string>, t: number) => {
        assert.ok(p);
        applySet(p.properties, set, t);
        p.version += 1;
        return { merges: [], distinctIds: [], persons: [p], groups: [] };
      };
      await Promise.all([
        a.commit(edit(loadedA.get('pu'), { plan: 'pro', city: 'Paris' }, 5)),
        b.commit(edit(loadedB.get('pu'), { city: 'Lyon', email: 'u@example.com' }, 6)),
      ]);
      const final = (await a.loadPersons('p1', ['pu'])).get('pu');
      assert.deepEqual(
        Object.fromEntries(Object.entries(final?.properties ?? {}).map(([k, e]) => [k, e.v])),
        { plan: 'pro', city: 'Lyon', email: 'u@example.com' },
      );
      assert.equal(final?.version, 3);
      await Promise.all([a.close(), b.close()]);
    });

    it('merges a person another node merged away into where it went', async () => {
      const url = await fresh();
      const [a, b] = await Promise.all([
        PostgresIdentityStore.open({ url }),
        PostgresIdentityStore.open({ url }),
      ]);
      await a.commit({
        merges: [],
        distinctIds: [
          { projectId: 'p1', distinctId: 'anon', personId: 'p-anon' },
          { projectId: 'p1', distinctId: 'user', personId: 'p-user' },
        ],
        persons: [person('p1', 'p-anon'), person('p1', 'p-user')],
        groups: [],
      });
      // Node B read p-anon, then node A merged it into p-user; B now gives p-anon a new id.
      await a.commit({
        merges: [{ projectId: 'p1', oldPersonId: 'p-anon', personId: 'p-user' }],
        distinctIds: [],
        persons: [person('p1', 'p-user', { version: 2, isIdentified: true })],
        groups: [],
      });
      await b.commit({
        merges: [],
        distinctIds: [{ projectId: 'p1', distinctId: 'device-2', personId: 'p-anon' }],
        persons: [person('p1', 'p-anon', { version: 2, createdAt: 5 })],
        groups: [],
      });
      assert.deepEqual(
        await b.lookupDistinctIds('p1', ['anon', 'user', 'device-2']),
        new Map([
          ['anon', 'p-user'],
          ['user', 'p-user'],
          ['device-2', 'p-user'],
        ]),
      );
      const persons = await b.loadPersons('p1', ['p-anon', 'p-user']);
      assert.deepEqual([...persons.keys()], ['p-user']);
      assert.equal(persons.get('p-user')?.createdAt, 5);
      assert.equal(persons.get('p-user')?.isIdentified, true);
      await Promise.all([a.close(), b.close()]);
    });

    it('adds no corrections when nothing raced', async () => {
      const url = await fresh();
      const node = await PostgresIdentityStore.open({ url });
      await resolveNew(node, 'p1', ['x', 'y'], 'n', 1);
      await resolveNew(node, 'p1', ['x', 'y', 'z'], 'n', 2);
      const outbox = await node.changesAfter(0);
      assert.deepEqual(
        outbox.map((e) => e.distinctIds.map((d) => d.distinctId)),
        [['x', 'y'], ['z']],
      );
      await node.close();
    });
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type GroupState,
  groupKey,
  type IdentityChanges,
  type IdentityStore,
  type PersonState,
} from '../identity-store.js';

const NO_CHANGES: IdentityChanges = { merges: [], distinctIds: [], persons: [], groups: [] };

export const person = (
  projectId: string,
  id: string,
  overrides: Partial<Omit<PersonState, 'projectId' | 'id'>> = {},
): PersonState => ({
  projectId,
  id,
  isIdentified: false,
  createdAt: 1_000,
  version: 1,
  properties: {},
  ...overrides,
});

/**
 * The behaviour every {@link IdentityStore} must have, as the flusher relies
 * on it. Each case opens a fresh, empty store through `openStore`.
 *
 * @example
 * runIdentityStoreContract('sqlite', async () => SqliteIdentityStore.open(tmpFile()));
 */
export function runIdentityStoreContract(
  name: string,
  openStore: () => Promise<IdentityStore>,
): void {
  describe(`IdentityStore contract: ${name}`, () => {
    let store: IdentityStore;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('knows nothing when empty', async () => {
      assert.deepEqual(await store.lookupDistinctIds('p1', ['a', 'b']), new Map());
      assert.deepEqual(await store.loadPersons('p1', ['x']), new Map());
      assert.deepEqual(
        await store.loadGroups('p1', [{ groupType: 't', groupKey: 'k' }]),
        new Map(),
      );
      assert.deepEqual(await store.changesAfter(0), []);
    });

    it('stores distinct ids, persons and groups per project', async () => {
      const alice = person('p1', 'person-a', {
        isIdentified: true,
        createdAt: 1_234.5,
        properties: { plan: { k: 'set', t: 5, v: 'pro' }, first: { k: 'once', t: 2, v: 1 } },
      });
      const company: GroupState = {
        projectId: 'p1',
        groupType: 'company',
        groupKey: 'acme',
        createdAt: 7,
        version: 1,
        properties: { size: { k: 'set', t: 7, v: 50 } },
      };
      await store.commit({
        ...NO_CHANGES,
        distinctIds: [
          { projectId: 'p1', distinctId: 'a', personId: 'person-a' },
          { projectId: 'p1', distinctId: 'alice@example.com', personId: 'person-a' },
          { projectId: 'p2', distinctId: 'a', personId: 'person-other' },
        ],
        persons: [alice, person('p2', 'person-other')],
        groups: [company],
      });
      assert.deepEqual(
        await store.lookupDistinctIds('p1', ['a', 'alice@example.com', 'unknown', 'a']),
        new Map([
          ['a', 'person-a'],
          ['alice@example.com', 'person-a'],
        ]),
      );
      assert.deepEqual(
        await store.lookupDistinctIds('p2', ['a']),
        new Map([['a', 'person-other']]),
      );
      assert.deepEqual(
        await store.loadPersons('p1', ['person-a', 'person-other']),
        new Map([['person-a', alice]]),
      );
      assert.deepEqual(
        await store.loadGroups('p1', [
          { groupType: 'company', groupKey: 'acme' },
          { groupType: 'company', groupKey: 'other' },
        ]),
        new Map([[groupKey('company', 'acme'), company]]),
      );
      assert.deepEqual(
        await store.loadGroups('p2', [{ groupType: 'company', groupKey: 'acme' }]),
        new Map(),
      );
    });

    it('keeps any client string as a distinct id or group key, NUL and emoji included', async () => {
      const odd = ['nul\u0000inside', 'émoji 🎉', ' spaced ', 'a'.repeat(200)];
      await store.commit({
        ...NO_CHANGES,
        distinctIds: odd.map((d, i) => ({
          projectId: 'p1',
          distinctId: d,
          personId: `person-${i}`,
        })),
        persons: odd.map((_, i) => person('p1', `person-${i}`)),
        groups: [
          {
            projectId: 'p1',
            groupType: 'ty\u0000pe',
            groupKey: 'k🎉',
            createdAt: 1,
            version: 1,
            properties: { 'na\u0000me': { k: 'set', t: 1, v: 'v\u0000' } },
          },
        ],
      });
      const found = await store.lookupDistinctIds('p1', odd);
      assert.deepEqual(
        odd.map((d) => found.get(d)),
        odd.map((_, i) => `person-${i}`),
      );
      const groups = await store.loadGroups('p1', [{ groupType: 'ty\u0000pe', groupKey: 'k🎉' }]);
      assert.deepEqual(groups.get(groupKey('ty\u0000pe', 'k🎉'))?.properties, {
        'na\u0000me': { k: 'set', t: 1, v: 'v\u0000' },
      });
    });

    it('replaces a person and a group with a newer version', async () => {
      await store.commit({
        ...NO_CHANGES,
        distinctIds: [{ projectId: 'p1', distinctId: 'a', personId: 'pa' }],
        persons: [person('p1', 'pa', { properties: { x: { k: 'set', t: 1, v: 1 } } })],
      });
      const v2 = person('p1', 'pa', {
        version: 2,
        isIdentified: true,
        createdAt: 500,
        properties: { x: { k: 'set', t: 2, v: 2 }, y: { k: 'set', t: 2 } },
      });
      await store.commit({ ...NO_CHANGES, persons: [v2] });
      assert.deepEqual((await store.loadPersons('p1', ['pa'])).get('pa'), v2);
    });

    it('merges: ids move to the surviving person and the merged one is gone', async () => {
      await store.commit({
        ...NO_CHANGES,
        distinctIds: [
          { projectId: 'p1', distinctId: 'anon', personId: 'old' },
          { projectId: 'p1', distinctId: 'anon-2', personId: 'old' },
          { projectId: 'p1', distinctId: 'user', personId: 'new' },
        ],
        persons: [person('p1', 'old'), person('p1', 'new')],
      });
      await store.commit({
        ...NO_CHANGES,
        merges: [{ projectId: 'p1', oldPersonId: 'old', personId: 'new' }],
        persons: [person('p1', 'new', { version: 2, isIdentified: true })],
      });
      assert.deepEqual(
        await store.lookupDistinctIds('p1', ['anon', 'anon-2', 'user']),
        new Map([
          ['anon', 'new'],
          ['anon-2', 'new'],
          ['user', 'new'],
        ]),
      );
      assert.deepEqual([...(await store.loadPersons('p1', ['old', 'new'])).keys()], ['new']);
    });

    it('forgets persons: their rows, their ids and those of persons merged into them', async () => {
      await store.commit({
        ...NO_CHANGES,
        distinctIds: [
          { projectId: 'p1', distinctId: 'a1', personId: 'pa' },
          { projectId: 'p1', distinctId: 'a2', personId: 'pa' },
          { projectId: 'p1', distinctId: 'b1', personId: 'pb' },
          { projectId: 'p1', distinctId: 'o1', personId: 'other' },
          { projectId: 'p2', distinctId: 'a1', personId: 'pa' },
        ],
        persons: [
          person('p1', 'pa', { properties: { email: { k: 'set', t: 1, v: 'a@example.com' } } }),
          person('p1', 'pb'),
          person('p1', 'other'),
          person('p2', 'pa'),
        ],
      });
      await store.commit({
        ...NO_CHANGES,
        merges: [{ projectId: 'p1', oldPersonId: 'pb', personId: 'pa' }],
        persons: [person('p1', 'pa', { version: 2 })],
      });
      // Read once first, so a store that caches ids is held to forgetting them.
      assert.equal((await store.lookupDistinctIds('p1', ['a1', 'b1'])).size, 2);

      assert.deepEqual(await store.forgetPersons('p1', ['pa']), {
        persons: 1,
        distinctIds: ['a1', 'a2', 'b1'],
        mergedPersons: ['pb'],
      });
      assert.deepEqual(
        await store.lookupDistinctIds('p1', ['a1', 'a2', 'b1', 'o1']),
        new Map([['o1', 'other']]),
      );
      assert.deepEqual(
        [...(await store.loadPersons('p1', ['pa', 'pb', 'other'])).keys()],
        ['other'],
      );
      // Another project's person of the same id is untouched.
      assert.deepEqual(await store.lookupDistinctIds('p2', ['a1']), new Map([['a1', 'pa']]));
      assert.deepEqual([...(await store.loadPersons('p2', ['pa'])).keys()], ['pa']);
      assert.deepEqual(await store.forgetPersons('p1', ['pa']), {
        persons: 0,
        distinctIds: [],
        mergedPersons: [],
      });

      // An old id may start a new person, and merging it anew is not confused by the old override.
      await store.commit({
        ...NO_CHANGES,
        distinctIds: [{ projectId: 'p1', distinctId: 'b1', personId: 'fresh' }],
        persons: [person('p1', 'fresh')],
      });
      assert.deepEqual(await store.lookupDistinctIds('p1', ['b1']), new Map([['b1', 'fresh']]));
      assert.deepEqual((await store.loadPersons('p1', ['fresh'])).get('fresh')?.properties, {});
    });

    it('keeps committed change sets in an outbox, in order, until pruned', async () => {
      const first: IdentityChanges = {
        ...NO_CHANGES,
        distinctIds: [{ projectId: 'p1', distinctId: 'a', personId: 'pa' }],
        persons: [person('p1', 'pa', { properties: { n: { k: 'set', t: 1, v: 'x' } } })],
      };
      const second: IdentityChanges = {
        ...NO_CHANGES,
        distinctIds: [{ projectId: 'p1', distinctId: 'b', personId: 'pb' }],
        persons: [person('p1', 'pb')],
      };
      const third: IdentityChanges = {
        ...NO_CHANGES,
        merges: [{ projectId: 'p1', oldPersonId: 'pb', personId: 'pa' }],
        persons: [person('p1', 'pa', { version: 2 })],
      };
      const s1 = await store.commit(first);
      const s2 = await store.commit(second);
      const s3 = await store.commit(third);
      assert.ok(s1 > 0 && s2 > s1 && s3 > s2, `increasing: ${s1}, ${s2}, ${s3}`);
      assert.deepEqual(await store.changesAfter(0), [
        { ...first, seq: s1 },
        { ...second, seq: s2 },
        { ...third, seq: s3 },
      ]);
      assert.deepEqual(await store.changesAfter(s1), [
        { ...second, seq: s2 },
        { ...third, seq: s3 },
      ]);
      await store.pruneThrough(s2);
      assert.deepEqual(await store.changesAfter(0), [{ ...third, seq: s3 }]);
      await store.pruneThrough(s3);
      assert.deepEqual(await store.changesAfter(0), []);
      const s4 = await store.commit(second);
      assert.ok(s4 > s3, 'numbers are not reused after pruning');
    });
  });
}

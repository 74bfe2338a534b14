import type { PersonMerge } from '../events/event-store.js';
import {
  type GroupState,
  groupKey,
  type IdentityChanges,
  type PersonState,
} from './identity-store.js';

type DistinctId = IdentityChanges['distinctIds'][number];

const key = (projectId: string, id: string) => `${projectId}\u0000${id}`;

/**
 * Folds change sets, in commit order, into one that leaves a store in the
 * same state as committing them one by one: every merge (in order: the
 * store needs them for overrides and for ids it already holds), each distinct
 * id once with the person it ends at, each person and group once in its last
 * state, and no person merged away later. A commit applies merges before
 * distinct ids, so an id that a later merge moved is written moved already.
 *
 * @example
 * await durable.commit(foldIdentityChanges(await memory.changesAfter(drained)));
 */
export function foldIdentityChanges(sets: readonly IdentityChanges[]): IdentityChanges {
  const merges: PersonMerge[] = [];
  const ids = new Map<string, DistinctId>();
  /** Person key → keys of the folded ids pointing at it. */
  const idsOf = new Map<string, Set<string>>();
  const persons = new Map<string, PersonState>();
  const groups = new Map<string, GroupState>();
  const point = (d: DistinctId) => {
    const k = key(d.projectId, d.distinctId);
    const before = ids.get(k);
    if (before) idsOf.get(key(before.projectId, before.personId))?.delete(k);
    ids.set(k, d);
    const pk = key(d.projectId, d.personId);
    let set = idsOf.get(pk);
    if (!set) {
      set = new Set();
      idsOf.set(pk, set);
    }
    set.add(k);
  };
  for (const c of sets) {
    for (const m of c.merges) {
      merges.push(m);
      const old = key(m.projectId, m.oldPersonId);
      persons.delete(old);
      const moved = idsOf.get(old);
      if (!moved) continue;
      idsOf.delete(old);
      for (const k of moved) {
        const d = ids.get(k);
        if (d) point({ ...d, personId: m.personId });
      }
    }
    for (const d of c.distinctIds) point(d);
    for (const p of c.persons) persons.set(key(p.projectId, p.id), p);
    for (const g of c.groups) groups.set(key(g.projectId, groupKey(g.groupType, g.groupKey)), g);
  }
  return {
    merges,
    distinctIds: [...ids.values()],
    persons: [...persons.values()],
    groups: [...groups.values()],
  };
}

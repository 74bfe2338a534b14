import {
  type CommittedChanges,
  type ForgottenPersons,
  type GroupState,
  groupKey,
  type IdentityChanges,
  type IdentityStore,
  type PersonState,
} from './identity-store.js';

/** One project's identity. */
interface ProjectIdentity {
  readonly ids: Map<string, string>;
  /** Person → its distinct ids, so a merge moves them without a scan. */
  readonly idsOf: Map<string, Set<string>>;
  readonly persons: Map<string, PersonState>;
  /** Merged-away person → surviving person (kept flat). */
  readonly overrides: Map<string, string>;
  /** Surviving person → the persons merged into it. */
  readonly mergedInto: Map<string, Set<string>>;
  readonly groups: Map<string, GroupState>;
}

/**
 * An identity store in this thread's memory, for a writer that owns a world
 * for a while and hands its changes to the durable store afterwards: the demo's
 * generating thread resolves its persons here (`foldIdentityChanges` turns the
 * outbox into one change set for the durable store).
 *
 * Reads hand out the store's own state objects, not copies: resolving a large
 * batch copies nothing, but a caller that changes a loaded person must commit
 * it (the resolver always does, or fails as a whole), and an outbox entry
 * shows its persons as they are now, not as they were committed.
 */
export class MemoryIdentityStore implements IdentityStore {
  private readonly projects = new Map<string, ProjectIdentity>();
  private readonly outbox: CommittedChanges[] = [];
  private seq = 0;

  async lookupDistinctIds(
    projectId: string,
    distinctIds: readonly string[],
  ): Promise<Map<string, string>> {
    return pick(this.projects.get(projectId)?.ids, distinctIds);
  }

  async loadPersons(
    projectId: string,
    personIds: readonly string[],
  ): Promise<Map<string, PersonState>> {
    return pick(this.projects.get(projectId)?.persons, personIds);
  }

  async loadGroups(
    projectId: string,
    keys: ReadonlyArray<{ groupType: string; groupKey: string }>,
  ): Promise<Map<string, GroupState>> {
    const groups = this.projects.get(projectId)?.groups;
    return pick(
      groups,
      keys.map((k) => groupKey(k.groupType, k.groupKey)),
    );
  }

  async commit(changes: IdentityChanges): Promise<number> {
    for (const m of changes.merges) {
      const p = this.project(m.projectId);
      for (const d of [...(p.idsOf.get(m.oldPersonId) ?? [])])
        pointAt(p.ids, p.idsOf, d, m.personId);
      p.idsOf.delete(m.oldPersonId);
      const olds = [...(p.mergedInto.get(m.oldPersonId) ?? []), m.oldPersonId];
      p.mergedInto.delete(m.oldPersonId);
      for (const old of olds) pointAt(p.overrides, p.mergedInto, old, m.personId);
      p.persons.delete(m.oldPersonId);
    }
    for (const d of changes.distinctIds) {
      const p = this.project(d.projectId);
      pointAt(p.ids, p.idsOf, d.distinctId, d.personId);
    }
    for (const person of changes.persons)
      this.project(person.projectId).persons.set(person.id, person);
    for (const g of changes.groups) {
      this.project(g.projectId).groups.set(groupKey(g.groupType, g.groupKey), g);
    }
    this.outbox.push({ ...changes, seq: ++this.seq });
    return this.seq;
  }

  async changesAfter(seq: number): Promise<CommittedChanges[]> {
    return this.outbox.filter((c) => c.seq > seq);
  }

  async pruneThrough(seq: number): Promise<void> {
    let n = 0;
    while (n < this.outbox.length && (this.outbox[n]?.seq ?? 0) <= seq) n++;
    this.outbox.splice(0, n);
  }

  async forgetPersons(projectId: string, personIds: readonly string[]): Promise<ForgottenPersons> {
    const p = this.projects.get(projectId);
    if (!p) return { persons: 0, distinctIds: [], mergedPersons: [] };
    const merged = new Set<string>();
    const distinctIds: string[] = [];
    let persons = 0;
    for (const id of new Set(personIds)) {
      const olds = [...(p.mergedInto.get(id) ?? [])];
      p.mergedInto.delete(id);
      for (const person of [id, ...olds]) {
        if (person !== id) merged.add(person);
        const into = p.overrides.get(person);
        if (into !== undefined) p.mergedInto.get(into)?.delete(person);
        p.overrides.delete(person);
        for (const d of p.idsOf.get(person) ?? []) {
          distinctIds.push(d);
          p.ids.delete(d);
        }
        p.idsOf.delete(person);
        if (p.persons.delete(person)) persons++;
      }
    }
    for (const id of personIds) merged.delete(id);
    return { persons, distinctIds: distinctIds.sort(), mergedPersons: [...merged].sort() };
  }

  async close(): Promise<void> {
    this.projects.clear();
    this.outbox.length = 0;
  }

  private project(projectId: string): ProjectIdentity {
    let p = this.projects.get(projectId);
    if (!p) {
      p = {
        ids: new Map(),
        idsOf: new Map(),
        persons: new Map(),
        overrides: new Map(),
        mergedInto: new Map(),
        groups: new Map(),
      };
      this.projects.set(projectId, p);
    }
    return p;
  }
}

/** The entries of `from` under `keys`; keys it lacks are left out. */
function pick<V>(from: ReadonlyMap<string, V> | undefined, keys: Iterable<string>): Map<string, V> {
  const out = new Map<string, V>();
  if (!from) return out;
  for (const k of keys) {
    const v = from.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** Points `key` at `target` in `forward`, keeping `backward` (target → its keys) in step. */
function pointAt(
  forward: Map<string, string>,
  backward: Map<string, Set<string>>,
  key: string,
  target: string,
): void {
  const before = forward.get(key);
  if (before === target) return;
  if (before !== undefined) backward.get(before)?.delete(key);
  forward.set(key, target);
  let keys = backward.get(target);
  if (!keys) {
    keys = new Set();
    backward.set(target, keys);
  }
  keys.add(key);
}

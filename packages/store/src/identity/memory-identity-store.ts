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
    const out = new Map<string, string>();
    const ids = this.projects.get(projectId)?.ids;
    if (!ids) return out;
    for (const d of distinctIds) {
      const p = ids.get(d);
      if (p !== undefined) out.set(d, p);
    }
    return out;
  }

  async loadPersons(
    projectId: string,
    personIds: readonly string[],
  ): Promise<Map<string, PersonState>> {
    const out = new Map<string, PersonState>();
    const persons = this.projects.get(projectId)?.persons;
    if (!persons) return out;
    for (const id of personIds) {
      const p = persons.get(id);
      if (p) out.set(id, p);
    }
    return out;
  }

  async loadGroups(
    projectId: string,
    keys: ReadonlyArray<{ groupType: string; groupKey: string }>,
  ): Promise<Map<string, GroupState>> {
    const out = new Map<string, GroupState>();
    const groups = this.projects.get(projectId)?.groups;
    if (!groups) return out;
    for (const k of keys) {
      const key = groupKey(k.groupType, k.groupKey);
      const g = groups.get(key);
      if (g) out.set(key, g);
    }
    return out;
  }

  async commit(changes: IdentityChanges): Promise<number> {
    for (const m of changes.merges) {
      const p = this.project(m.projectId);
      for (const d of [...(p.idsOf.get(m.oldPersonId) ?? [])]) this.point(p, d, m.personId);
      p.idsOf.delete(m.oldPersonId);
      const olds = [...(p.mergedInto.get(m.oldPersonId) ?? []), m.oldPersonId];
      p.mergedInto.delete(m.oldPersonId);
      for (const old of olds) this.override(p, old, m.personId);
      p.persons.delete(m.oldPersonId);
    }
    for (const d of changes.distinctIds)
      this.point(this.project(d.projectId), d.distinctId, d.personId);
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

  private override(p: ProjectIdentity, old: string, into: string): void {
    const before = p.overrides.get(old);
    if (before !== undefined) p.mergedInto.get(before)?.delete(old);
    p.overrides.set(old, into);
    let set = p.mergedInto.get(into);
    if (!set) {
      set = new Set();
      p.mergedInto.set(into, set);
    }
    set.add(old);
  }

  private point(p: ProjectIdentity, distinctId: string, personId: string): void {
    const before = p.ids.get(distinctId);
    if (before === personId) return;
    if (before !== undefined) p.idsOf.get(before)?.delete(distinctId);
    p.ids.set(distinctId, personId);
    let set = p.idsOf.get(personId);
    if (!set) {
      set = new Set();
      p.idsOf.set(personId, set);
    }
    set.add(distinctId);
  }
}

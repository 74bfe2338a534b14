import type {
  DistinctIdRow,
  GroupRow,
  IdentityMirror,
  PersonMerge,
  PersonRow,
} from '../event-store.js';

/** Several identity mirrors folded into one set of final rows, applied in bulk. */
export interface FlatMirror {
  readonly seq: number;
  /** Every merged-away person → the person it finally belongs to (flat). */
  readonly merges: PersonMerge[];
  readonly distinctIds: DistinctIdRow[];
  readonly persons: PersonRow[];
  readonly groups: GroupRow[];
}

const k = (projectId: string, id: string) => `${projectId}\u0000${id}`;

/**
 * Folds mirrors (in `seq` order) into final rows: chains of merges are
 * flattened (a→b then b→c gives a→c and b→c), distinct ids point at their final
 * person, and persons merged away are dropped. Pure, so it is tested directly.
 */
export function flattenMirrors(mirrors: readonly IdentityMirror[]): FlatMirror {
  const target = new Map<string, PersonMerge>();
  const final = (projectId: string, personId: string): string => {
    let id = personId;
    for (let hop = target.get(k(projectId, id)); hop; hop = target.get(k(projectId, id))) {
      id = hop.personId;
    }
    return id;
  };
  const distinctIds = new Map<string, DistinctIdRow>();
  const persons = new Map<string, PersonRow>();
  const groups = new Map<string, GroupRow>();
  let seq = 0;
  for (const m of mirrors) {
    seq = Math.max(seq, m.seq);
    for (const merge of m.merges) {
      const to = final(merge.projectId, merge.personId);
      if (to !== merge.oldPersonId) target.set(k(merge.projectId, merge.oldPersonId), merge);
    }
    for (const d of m.distinctIds) distinctIds.set(k(d.projectId, d.distinctId), d);
    for (const p of m.persons) persons.set(k(p.projectId, p.id), p);
    for (const g of m.groups) groups.set(k(g.projectId, `${g.groupType}\u0000${g.groupKey}`), g);
  }
  return {
    seq,
    merges: [...target.values()].map((m) => ({
      projectId: m.projectId,
      oldPersonId: m.oldPersonId,
      personId: final(m.projectId, m.oldPersonId),
    })),
    distinctIds: [...distinctIds.values()].map((d) => ({
      ...d,
      personId: final(d.projectId, d.personId),
    })),
    persons: [...persons.values()].filter((p) => !target.has(k(p.projectId, p.id))),
    groups: [...groups.values()],
  };
}

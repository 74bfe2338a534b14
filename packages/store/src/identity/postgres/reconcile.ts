import type { PersonMerge } from '../../events/event-store.js';
import type { GroupState, IdentityChanges, PersonState } from '../identity-store.js';
import { mergeStates, type PropertyState } from '../property-state.js';

/**
 * What the database holds, right before a commit, for the rows a change set
 * touches. Keys are `project\0id` (persons, overrides), `project\0distinctId`
 * and `project\0type\0key` (groups).
 */
export interface IdentityView {
  readonly persons: ReadonlyMap<string, PersonState>;
  /** Merged-away person → the person it belongs to now (overrides are kept flat). */
  readonly overrides: ReadonlyMap<string, string>;
  readonly distinctIds: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, GroupState>;
}

export const viewKey = (projectId: string, ...parts: string[]): string =>
  [projectId, ...parts].join('\u0000');

const clone = (p: PropertyState): PropertyState => structuredClone(p);

/**
 * A change set was worked out by one node from what it read before another
 * node committed. Applied as it is, it may leave a distinct id with two
 * persons' worth of history, point at a person merged away meanwhile, or
 * overwrite properties the other node set. This works out the corrections
 * that, applied after the change set (with the same rules), leave the state
 * both nodes meant: the same human is one person. Null when nothing raced.
 *
 * The rules, first committed wins:
 * - a person written here at a version other than the next one is folded
 *   with the stored row (per-property timestamps decide, as for any merge);
 * - a distinct id another node mapped first keeps that person; ours is
 *   merged into it;
 * - a person merged away meanwhile is merged (again) into where it went;
 * - merging a person that was merged elsewhere meanwhile merges both targets.
 *
 * Corrections are an ordinary change set, so the event store's mirror
 * converges the same way from the outbox.
 */
export function reconcile(view: IdentityView, c: IdentityChanges): IdentityChanges | null {
  // The state after applying `c` as it is, in memory.
  const persons = new Map(view.persons);
  const overrides = new Map(view.overrides);
  const repoint = (projectId: string, from: string, to: string) => {
    const prefix = viewKey(projectId, '');
    for (const [key, target] of overrides) {
      if (target === from && key.startsWith(prefix)) overrides.set(key, to);
    }
  };
  const claims: Array<{ projectId: string; loser: string; winner: string }> = [];
  for (const m of c.merges) {
    const before = view.overrides.get(viewKey(m.projectId, m.oldPersonId));
    if (before !== undefined && before !== m.personId) {
      claims.push({ projectId: m.projectId, loser: m.personId, winner: before });
    }
    repoint(m.projectId, m.oldPersonId, m.personId);
    overrides.set(viewKey(m.projectId, m.oldPersonId), m.personId);
    persons.delete(viewKey(m.projectId, m.oldPersonId));
  }
  for (const d of c.distinctIds) {
    const had = view.distinctIds.get(viewKey(d.projectId, d.distinctId));
    if (had !== undefined && had !== d.personId) {
      claims.push({ projectId: d.projectId, loser: d.personId, winner: had });
    }
  }
  for (const p of c.persons) persons.set(viewKey(p.projectId, p.id), p);

  const live = (projectId: string, id: string): string => {
    let at = id;
    for (let hops = 0; hops < 64; hops++) {
      const next = overrides.get(viewKey(projectId, at));
      if (next === undefined || next === at) return at;
      at = next;
    }
    return at;
  };

  // Rows the corrections rewrite, each at a version above both the stored one and ours.
  const corrected = new Map<string, PersonState>();
  const writable = (projectId: string, id: string): PersonState | undefined => {
    const key = viewKey(projectId, id);
    const done = corrected.get(key);
    if (done) return done;
    const now = persons.get(key);
    if (!now) return undefined;
    const next: PersonState = {
      ...now,
      properties: clone(now.properties),
      version: Math.max(now.version, view.persons.get(key)?.version ?? 0) + 1,
    };
    corrected.set(key, next);
    return next;
  };
  const fix: PersonMerge[] = [];
  const fold = (projectId: string, loser: string, winner: string) => {
    const into = live(projectId, winner);
    if (into === loser) return;
    const key = viewKey(projectId, loser);
    const from = corrected.get(key) ?? persons.get(key);
    if (from) {
      const target = writable(projectId, into);
      if (target) {
        mergeStates(target.properties, from.properties);
        target.createdAt = Math.min(target.createdAt, from.createdAt);
        target.isIdentified ||= from.isIdentified;
      }
      persons.delete(key);
      corrected.delete(key);
    }
    repoint(projectId, loser, into);
    overrides.set(key, into);
    fix.push({ projectId, oldPersonId: loser, personId: into });
  };

  for (const p of c.persons) {
    const stored = view.persons.get(viewKey(p.projectId, p.id));
    if (stored && stored.version !== p.version - 1) {
      const next = writable(p.projectId, p.id);
      if (next) {
        mergeStates(next.properties, stored.properties);
        next.createdAt = Math.min(next.createdAt, stored.createdAt);
        next.isIdentified ||= stored.isIdentified;
      }
    }
  }
  const referenced = [
    ...c.distinctIds.map((d) => ({ projectId: d.projectId, id: d.personId })),
    ...c.persons.map((p) => ({ projectId: p.projectId, id: p.id })),
  ];
  for (const r of referenced) {
    const gone = view.overrides.get(viewKey(r.projectId, r.id));
    if (gone !== undefined) fold(r.projectId, r.id, gone);
  }
  for (const claim of claims) {
    fold(claim.projectId, live(claim.projectId, claim.loser), claim.winner);
  }

  const groups: GroupState[] = [];
  for (const g of c.groups) {
    const stored = view.groups.get(viewKey(g.projectId, g.groupType, g.groupKey));
    if (stored && stored.version !== g.version - 1) {
      const properties = clone(g.properties);
      mergeStates(properties, stored.properties);
      groups.push({
        ...g,
        properties,
        createdAt: Math.min(g.createdAt, stored.createdAt),
        version: Math.max(g.version, stored.version) + 1,
      });
    }
  }
  if (fix.length === 0 && corrected.size === 0 && groups.length === 0) return null;
  return { merges: fix, distinctIds: [], persons: [...corrected.values()], groups };
}

import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { CanonicalEvent } from '@opsloop/schema';
import type { PersonMerge } from '@opsloop/store/events/event-store';
import {
  type GroupState,
  groupKey,
  type IdentityChanges,
  type IdentityStore,
  type PersonState,
} from '@opsloop/store/identity/identity-store';
import {
  applySet,
  applySetOnce,
  applyUnset,
  mergeStates,
} from '@opsloop/store/identity/property-state';

/** What resolution reads of an event (the flusher passes spool heads, not whole events). */
export type IdentityInput = Pick<
  CanonicalEvent,
  'projectId' | 'distinctId' | 'timestamp' | 'identity' | 'personOps' | 'groupIdentify'
>;

export interface Resolved<E extends IdentityInput = CanonicalEvent> {
  /** In event-time order, each with the person its distinct id had when it was processed. */
  readonly events: Array<E & { readonly personId: string }>;
  readonly changes: IdentityChanges;
}

/**
 * Resolves the persons of a batch of new (deduplicated) events and works out
 * the identity changes, in event-time order within the batch:
 * - an unknown distinct id gets a new person;
 * - `identify` merges the other id's person into this one unless that person
 *   is already identified (PostHog refuses to merge two identified persons);
 *   then an unidentified person of this id joins the other one instead;
 *   an unknown id on either side simply joins the known person;
 * - `alias`, `merge_dangerously` and Segment's `link` always merge;
 * - `$set` / `$set_once` / `$unset` and group properties keep per-property
 *   timestamps, so late, older operations do not overwrite newer ones.
 * Events keep the person resolved here; merges become overrides, so history is
 * never rewritten.
 */
export async function resolveIdentities<E extends IdentityInput>(
  batch: readonly E[],
  store: IdentityStore,
  options: { newPersonId?: () => string } = {},
): Promise<Resolved<E>> {
  const events: Array<E & { readonly personId: string }> = [];
  const changes = await resolvePersons(batch, store, {
    ...options,
    onPerson: (e, personId) => events.push({ ...e, personId }),
  });
  return { events, changes };
}

/**
 * `resolveIdentities` without copying events: `onPerson` is called once per
 * event, in the order resolved (per project, in event-time order).
 */
export async function resolvePersons<E extends IdentityInput>(
  batch: readonly E[],
  store: IdentityStore,
  options: { newPersonId?: () => string; onPerson: (e: E, personId: string) => void },
): Promise<IdentityChanges> {
  const byProject = new Map<string, E[]>();
  for (const e of batch) {
    const list = byProject.get(e.projectId);
    if (list) list.push(e);
    else byProject.set(e.projectId, [e]);
  }
  const changes: { -readonly [K in keyof IdentityChanges]: IdentityChanges[K][number][] } = {
    merges: [],
    distinctIds: [],
    persons: [],
    groups: [],
  };
  for (const [projectId, list] of byProject) {
    const r = await resolveProject(
      projectId,
      list,
      store,
      options.newPersonId ?? randomUUID,
      options.onPerson,
    );
    changes.merges.push(...r.merges);
    changes.distinctIds.push(...r.distinctIds);
    changes.persons.push(...r.persons);
    changes.groups.push(...r.groups);
  }
  return changes;
}

/** Events resolved between turns of the event loop (a few milliseconds' work). */
const YIELD_EVERY = 4_096;

/** Event-time order, arrival order among equal times; no copy when already in order. */
function byEventTime<E extends IdentityInput>(list: readonly E[]): readonly E[] {
  let ordered = true;
  for (let i = 1; i < list.length && ordered; i++) {
    ordered = (list[i - 1]?.timestamp ?? 0) <= (list[i]?.timestamp ?? 0);
  }
  if (ordered) return list;
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i)
    .map((x) => x.e);
}

async function resolveProject<E extends IdentityInput>(
  projectId: string,
  unsorted: readonly E[],
  store: IdentityStore,
  newPersonId: () => string,
  onPerson: (e: E, personId: string) => void,
): Promise<IdentityChanges> {
  const list = byEventTime(unsorted);
  const wanted = new Set<string>();
  for (const e of list) {
    wanted.add(e.distinctId);
    if (e.identity) wanted.add(e.identity.otherDistinctId);
  }
  const dist = await store.lookupDistinctIds(projectId, [...wanted]);
  const persons = await store.loadPersons(projectId, [...new Set(dist.values())]);
  const groupKeys = list.flatMap((e) => (e.groupIdentify ? [e.groupIdentify] : []));
  const groups = await store.loadGroups(projectId, groupKeys);

  const redirect = new Map<string, string>();
  const merges: PersonMerge[] = [];
  const newIds = new Set<string>();
  const touched = new Set<string>();
  const touchedGroups = new Set<string>();

  const find = (id: string): string => {
    let p = id;
    for (let next = redirect.get(p); next !== undefined; next = redirect.get(p)) p = next;
    return p;
  };
  const personOf = (d: string): string | undefined => {
    const p = dist.get(d);
    return p === undefined ? undefined : find(p);
  };
  const assign = (d: string, personId: string) => {
    dist.set(d, personId);
    newIds.add(d);
  };
  const create = (d: string, at: number): string => {
    const id = newPersonId();
    persons.set(id, {
      projectId,
      id,
      isIdentified: false,
      createdAt: at,
      version: 0,
      properties: {},
    });
    assign(d, id);
    touched.add(id);
    return id;
  };
  const person = (id: string): PersonState => {
    const p = persons.get(id);
    // A distinct id always points at a stored person; a missing row is a broken store.
    if (!p) throw new Error(`identity store: person ${id} of project ${projectId} is missing`);
    return p;
  };
  const merge = (oldId: string, intoId: string) => {
    const from = person(oldId);
    const into = person(intoId);
    mergeStates(into.properties, from.properties);
    into.createdAt = Math.min(into.createdAt, from.createdAt);
    into.isIdentified ||= from.isIdentified;
    redirect.set(oldId, intoId);
    merges.push({ projectId, oldPersonId: oldId, personId: intoId });
    persons.delete(oldId);
    touched.delete(oldId);
    touched.add(intoId);
  };

  let sinceYield = 0;
  for (const e of list) {
    // A large batch resolves for a second or more. Turning the event loop now
    // and then lets I/O completions run meanwhile: the previous batch's DuckDB
    // statements, which each wait for one to send the next, and HTTP requests.
    if (++sinceYield === YIELD_EVERY) {
      sinceYield = 0;
      await setImmediate();
    }
    const d = e.distinctId;
    const op = e.identity;
    if (op && op.otherDistinctId !== d) {
      const o = op.otherDistinctId;
      const pd = personOf(d);
      const po = personOf(o);
      if (pd === undefined && po === undefined) assign(o, create(d, e.timestamp));
      else if (pd === undefined && po !== undefined) assign(d, po);
      else if (pd !== undefined && po === undefined) assign(o, pd);
      else if (pd !== undefined && po !== undefined && pd !== po) {
        if (op.kind !== 'identify' || !person(po).isIdentified) merge(po, pd);
        // An anonymous person that only saw plain events joins the identified
        // one, as if its events had arrived after the identify.
        else if (!person(pd).isIdentified) merge(pd, po);
      }
    }
    const personId = personOf(d) ?? create(d, e.timestamp);
    const p = person(personId);
    if (op && !p.isIdentified) {
      p.isIdentified = true;
      touched.add(personId);
    }
    if (e.timestamp < p.createdAt) {
      p.createdAt = e.timestamp;
      touched.add(personId);
    }
    const ops = e.personOps;
    if (ops) {
      if (ops.setOnce) applySetOnce(p.properties, ops.setOnce, e.timestamp);
      if (ops.set) applySet(p.properties, ops.set, e.timestamp);
      if (ops.unset) applyUnset(p.properties, ops.unset, e.timestamp);
      touched.add(personId);
    }
    const g = e.groupIdentify;
    if (g) {
      const key = groupKey(g.groupType, g.groupKey);
      let state: GroupState | undefined = groups.get(key);
      if (!state) {
        state = {
          projectId,
          groupType: g.groupType,
          groupKey: g.groupKey,
          createdAt: e.timestamp,
          version: 0,
          properties: {},
        };
        groups.set(key, state);
      }
      state.createdAt = Math.min(state.createdAt, e.timestamp);
      applySet(state.properties, g.set, e.timestamp);
      touchedGroups.add(key);
    }
    onPerson(e, personId);
  }

  const touchedPersons = [...touched].map((id) => {
    const p = person(id);
    p.version += 1;
    return p;
  });
  const touchedGroupStates = [...touchedGroups].flatMap((k) => {
    const g = groups.get(k);
    if (!g) return [];
    g.version += 1;
    return [g];
  });
  return {
    merges,
    distinctIds: [...newIds].map((d) => ({
      projectId,
      distinctId: d,
      personId: personOf(d) ?? '',
    })),
    persons: touchedPersons,
    groups: touchedGroupStates,
  };
}

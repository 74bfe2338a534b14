import { type Queryable, rows } from '../../meta/postgres/pool.js';
import type { GroupState, IdentityChanges, PersonState } from '../identity-store.js';
import { bytes } from './apply-changes.js';
import { type IdentityView, viewKey } from './reconcile.js';

export interface PersonRow {
  project_id: string;
  id: string;
  is_identified: boolean;
  created_at: number;
  version: number;
  properties: string;
}
export const toPerson = (r: PersonRow): PersonState => ({
  projectId: r.project_id,
  id: r.id,
  isIdentified: r.is_identified,
  createdAt: r.created_at,
  version: r.version,
  properties: JSON.parse(r.properties),
});

export interface GroupRow {
  project_id: string;
  group_type: Buffer;
  group_key: Buffer;
  created_at: number;
  version: number;
  properties: string;
}
export const toGroup = (r: GroupRow): GroupState => ({
  projectId: r.project_id,
  groupType: r.group_type.toString('utf8'),
  groupKey: r.group_key.toString('utf8'),
  createdAt: r.created_at,
  version: r.version,
  properties: JSON.parse(r.properties),
});

const pairs = <T>(xs: readonly T[], a: (x: T) => string, b: (x: T) => string | Buffer) => [
  xs.map(a),
  xs.map(b),
];

/**
 * Reads, inside the committing transaction, what the database holds for the
 * rows a change set touches: the persons it names, where those merged away
 * went, the current owners of its distinct ids and those persons, its groups.
 */
export async function loadView(tx: Queryable, c: IdentityChanges): Promise<IdentityView> {
  const named = [
    ...c.merges.flatMap((m) => [
      { projectId: m.projectId, id: m.oldPersonId },
      { projectId: m.projectId, id: m.personId },
    ]),
    ...c.distinctIds.map((d) => ({ projectId: d.projectId, id: d.personId })),
    ...c.persons.map((p) => ({ projectId: p.projectId, id: p.id })),
  ];
  const overrides = new Map<string, string>();
  for (const r of await rows<{ project_id: string; old_person_id: string; person_id: string }>(
    tx,
    `SELECT project_id, old_person_id, person_id FROM identity_person_overrides
     WHERE (project_id, old_person_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    pairs(
      named,
      (n) => n.projectId,
      (n) => n.id,
    ),
  )) {
    overrides.set(viewKey(r.project_id, r.old_person_id), r.person_id);
    named.push({ projectId: r.project_id, id: r.person_id });
  }
  const distinctIds = new Map<string, string>();
  for (const r of await rows<{ project_id: string; distinct_id: Buffer; person_id: string }>(
    tx,
    `SELECT project_id, distinct_id, person_id FROM identity_distinct_ids
     WHERE (project_id, distinct_id) IN (SELECT * FROM unnest($1::text[], $2::bytea[]))`,
    pairs(
      c.distinctIds,
      (d) => d.projectId,
      (d) => bytes(d.distinctId),
    ),
  )) {
    distinctIds.set(viewKey(r.project_id, r.distinct_id.toString('utf8')), r.person_id);
    named.push({ projectId: r.project_id, id: r.person_id });
  }
  const persons = new Map<string, PersonState>();
  for (const r of await rows<PersonRow>(
    tx,
    `SELECT * FROM identity_persons
     WHERE (project_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    pairs(
      named,
      (n) => n.projectId,
      (n) => n.id,
    ),
  )) {
    persons.set(viewKey(r.project_id, r.id), toPerson(r));
  }
  const groups = new Map<string, GroupState>();
  if (c.groups.length > 0) {
    for (const r of await rows<GroupRow>(
      tx,
      `SELECT * FROM identity_groups WHERE (project_id, group_type, group_key) IN
         (SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[]))`,
      [
        c.groups.map((g) => g.projectId),
        c.groups.map((g) => bytes(g.groupType)),
        c.groups.map((g) => bytes(g.groupKey)),
      ],
    )) {
      const g = toGroup(r);
      groups.set(viewKey(g.projectId, g.groupType, g.groupKey), g);
    }
  }
  return { persons, overrides, distinctIds, groups };
}

import type { Queryable } from '../../meta/postgres/pool.js';
import type { IdentityChanges } from '../identity-store.js';

/** Client strings as stored: their UTF-8 bytes (see schema.ts). */
export const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The last entry per key wins, as it would applied one by one. */
function lastPerKey<T>(xs: readonly T[], key: (x: T) => string): T[] {
  return [...new Map(xs.map((x) => [key(x), x])).values()];
}

/**
 * Applies a change set with the SQLite store's rules, in its order: merges
 * (ids and overrides re-pointed, an override recorded, the merged-away person
 * deleted), then distinct ids, persons and groups replaced. Rows go in as
 * arrays, one statement per kind (one per merge: their order matters).
 */
export async function applyChanges(tx: Queryable, c: IdentityChanges): Promise<void> {
  for (const m of c.merges) {
    // The CTE's statements share one snapshot and touch different rows.
    await tx.query(
      `WITH ids AS (
         UPDATE identity_distinct_ids SET person_id = $3 WHERE project_id = $1 AND person_id = $2
       ), moved AS (
         UPDATE identity_person_overrides SET person_id = $3 WHERE project_id = $1 AND person_id = $2
       ), gone AS (
         DELETE FROM identity_persons WHERE project_id = $1 AND id = $2
       )
       INSERT INTO identity_person_overrides (project_id, old_person_id, person_id)
       VALUES ($1, $2, $3)
       ON CONFLICT (project_id, old_person_id) DO UPDATE SET person_id = excluded.person_id`,
      [m.projectId, m.oldPersonId, m.personId],
    );
  }
  const ids = lastPerKey(c.distinctIds, (d) => `${d.projectId}\u0000${d.distinctId}`);
  if (ids.length > 0) {
    await tx.query(
      `INSERT INTO identity_distinct_ids (project_id, distinct_id, person_id)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[])
       ON CONFLICT (project_id, distinct_id) DO UPDATE SET person_id = excluded.person_id`,
      [
        ids.map((d) => d.projectId),
        ids.map((d) => bytes(d.distinctId)),
        ids.map((d) => d.personId),
      ],
    );
  }
  const persons = lastPerKey(c.persons, (p) => `${p.projectId}\u0000${p.id}`);
  if (persons.length > 0) {
    await tx.query(
      `INSERT INTO identity_persons (project_id, id, is_identified, created_at, version, properties)
       SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::float8[], $5::int[],
                            $6::text[])
       ON CONFLICT (project_id, id) DO UPDATE SET is_identified = excluded.is_identified,
         created_at = excluded.created_at, version = excluded.version,
         properties = excluded.properties`,
      [
        persons.map((p) => p.projectId),
        persons.map((p) => p.id),
        persons.map((p) => p.isIdentified),
        persons.map((p) => p.createdAt),
        persons.map((p) => p.version),
        persons.map((p) => JSON.stringify(p.properties)),
      ],
    );
  }
  const groups = lastPerKey(
    c.groups,
    (g) => `${g.projectId}\u0000${g.groupType}\u0000${g.groupKey}`,
  );
  if (groups.length > 0) {
    await tx.query(
      `INSERT INTO identity_groups (project_id, group_type, group_key, created_at, version,
                                    properties)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::float8[], $5::int[],
                            $6::text[])
       ON CONFLICT (project_id, group_type, group_key) DO UPDATE SET
         created_at = excluded.created_at, version = excluded.version,
         properties = excluded.properties`,
      [
        groups.map((g) => g.projectId),
        groups.map((g) => bytes(g.groupType)),
        groups.map((g) => bytes(g.groupKey)),
        groups.map((g) => g.createdAt),
        groups.map((g) => g.version),
        groups.map((g) => JSON.stringify(g.properties)),
      ],
    );
  }
}

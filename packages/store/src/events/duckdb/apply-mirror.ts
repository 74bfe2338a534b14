import type { DuckDBConnection } from '@duckdb/node-api';
import type { FlatMirror } from './mirror.js';

// Columns go in as JSON arrays, parsed inside DuckDB: a list parameter costs one
// native call per element, which dominated the first flush of a busy project.
const strings = (xs: readonly string[]): string => JSON.stringify(xs);
const numbers = (xs: readonly number[]): string => JSON.stringify(xs);
const booleans = (xs: readonly boolean[]): string => JSON.stringify(xs);

/**
 * Applies folded identity changes inside the caller's transaction. The mirror
 * tables have no keys, so "replace" is delete-then-insert; overrides stay flat
 * by re-pointing every override that targeted a person merged away.
 */
export async function applyMirror(conn: DuckDBConnection, m: FlatMirror): Promise<void> {
  if (m.merges.length > 0) {
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS mirror_merges (p VARCHAR, o UUID, n UUID)');
    await conn.run('DELETE FROM mirror_merges');
    await conn.run(
      `INSERT INTO mirror_merges SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]')), unnest(from_json($2::VARCHAR, '["VARCHAR"]'))::UUID, unnest(from_json($3::VARCHAR, '["VARCHAR"]'))::UUID`,
      [
        strings(m.merges.map((x) => x.projectId)),
        strings(m.merges.map((x) => x.oldPersonId)),
        strings(m.merges.map((x) => x.personId)),
      ],
    );
    await conn.run(`UPDATE person_overrides SET person_id = m.n FROM mirror_merges m
      WHERE person_overrides.project_id = m.p AND person_overrides.person_id = m.o`);
    await conn.run(`DELETE FROM person_overrides WHERE EXISTS (SELECT 1 FROM mirror_merges m
      WHERE m.p = person_overrides.project_id AND m.o = person_overrides.old_person_id)`);
    await conn.run('INSERT INTO person_overrides SELECT p, o, n FROM mirror_merges');
    await conn.run(`UPDATE person_distinct_ids SET person_id = m.n FROM mirror_merges m
      WHERE person_distinct_ids.project_id = m.p AND person_distinct_ids.person_id = m.o`);
    await conn.run(`DELETE FROM persons WHERE EXISTS (SELECT 1 FROM mirror_merges m
      WHERE m.p = persons.project_id AND m.o = persons.id)`);
  }
  if (m.distinctIds.length > 0) {
    const args = [
      strings(m.distinctIds.map((d) => d.projectId)),
      strings(m.distinctIds.map((d) => d.distinctId)),
      strings(m.distinctIds.map((d) => d.personId)),
    ];
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS mirror_ids (p VARCHAR, d VARCHAR, n UUID)');
    await conn.run('DELETE FROM mirror_ids');
    await conn.run(
      `INSERT INTO mirror_ids SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]')), unnest(from_json($2::VARCHAR, '["VARCHAR"]')), unnest(from_json($3::VARCHAR, '["VARCHAR"]'))::UUID`,
      args,
    );
    await conn.run(`DELETE FROM person_distinct_ids WHERE EXISTS (SELECT 1 FROM mirror_ids m
      WHERE m.p = person_distinct_ids.project_id AND m.d = person_distinct_ids.distinct_id)`);
    await conn.run('INSERT INTO person_distinct_ids SELECT p, d, n FROM mirror_ids');
  }
  if (m.persons.length > 0) {
    await conn.run(`CREATE TEMP TABLE IF NOT EXISTS mirror_persons
      (p VARCHAR, id UUID, props JSON, ident BOOLEAN, created DOUBLE, version BIGINT)`);
    await conn.run('DELETE FROM mirror_persons');
    await conn.run(
      `INSERT INTO mirror_persons SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]')), unnest(from_json($2::VARCHAR, '["VARCHAR"]'))::UUID,
        unnest(from_json($3::VARCHAR, '["VARCHAR"]'))::JSON, unnest(from_json($4::VARCHAR, '["BOOLEAN"]')), unnest(from_json($5::VARCHAR, '["DOUBLE"]')), unnest(from_json($6::VARCHAR, '["DOUBLE"]'))::BIGINT`,
      [
        strings(m.persons.map((p) => p.projectId)),
        strings(m.persons.map((p) => p.id)),
        strings(m.persons.map((p) => JSON.stringify(p.properties))),
        booleans(m.persons.map((p) => p.isIdentified)),
        numbers(m.persons.map((p) => p.createdAt)),
        numbers(m.persons.map((p) => p.version)),
      ],
    );
    await conn.run(`DELETE FROM persons WHERE EXISTS (SELECT 1 FROM mirror_persons m
      WHERE m.p = persons.project_id AND m.id = persons.id)`);
    // to_timestamp: a UTC instant (a naive timestamp would be read in the session zone).
    await conn.run(`INSERT INTO persons SELECT p, id, props, ident, to_timestamp(created / 1000.0), version
      FROM mirror_persons`);
  }
  if (m.groups.length > 0) {
    await conn.run(`CREATE TEMP TABLE IF NOT EXISTS mirror_groups
      (p VARCHAR, t VARCHAR, k VARCHAR, props JSON, created DOUBLE, version BIGINT)`);
    await conn.run('DELETE FROM mirror_groups');
    await conn.run(
      `INSERT INTO mirror_groups SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]')), unnest(from_json($2::VARCHAR, '["VARCHAR"]')), unnest(from_json($3::VARCHAR, '["VARCHAR"]')),
        unnest(from_json($4::VARCHAR, '["VARCHAR"]'))::JSON, unnest(from_json($5::VARCHAR, '["DOUBLE"]')), unnest(from_json($6::VARCHAR, '["DOUBLE"]'))::BIGINT`,
      [
        strings(m.groups.map((g) => g.projectId)),
        strings(m.groups.map((g) => g.groupType)),
        strings(m.groups.map((g) => g.groupKey)),
        strings(m.groups.map((g) => JSON.stringify(g.properties))),
        numbers(m.groups.map((g) => g.createdAt)),
        numbers(m.groups.map((g) => g.version)),
      ],
    );
    await conn.run(`DELETE FROM groups WHERE EXISTS (SELECT 1 FROM mirror_groups m
      WHERE m.p = groups.project_id AND m.t = groups.group_type AND m.k = groups.group_key)`);
    await conn.run(`INSERT INTO groups SELECT p, t, k, props, to_timestamp(created / 1000.0), version
      FROM mirror_groups`);
  }
}

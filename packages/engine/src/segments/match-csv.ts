import { compileDuckDb } from '../people/person-scope.js';
import { sql } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

/**
 * The persons that uploaded values name: by distinct id, or by the `email`
 * person property (case-insensitive). Columns: value (as given), id.
 */
export function matchPersonsQuery(
  projectId: string,
  by: 'distinct_id' | 'email',
  values: readonly string[],
): CompiledQuery {
  if (by === 'distinct_id')
    return compileDuckDb(sql`SELECT d.distinct_id AS value, d.person_id::VARCHAR AS id FROM person_distinct_ids d
WHERE d.project_id = ${projectId} AND d.distinct_id IN (SELECT unnest(${values}::VARCHAR[]))`);
  return compileDuckDb(sql`SELECT v.value, p.id::VARCHAR AS id FROM (SELECT unnest(${values}::VARCHAR[]) AS value) v
JOIN (SELECT id, lower(json_extract_string(arg_max(properties, version), '$.email')) AS email FROM persons WHERE project_id = ${projectId} GROUP BY id) p
ON p.email = lower(v.value)`);
}

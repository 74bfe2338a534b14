import { compileFor, type PeopleDialect } from '../people/person-scope.js';
import { fn } from '../sql/ast/functions.js';
import { JsonPropertyNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

/**
 * The persons that uploaded values name: by distinct id, or by the `email`
 * person property (case-insensitive). Columns: value (as given), id.
 */
export function matchPersonsQuery(
  projectId: string,
  by: 'distinct_id' | 'email',
  values: readonly string[],
  options: { readonly dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  const list = sql`${values}`;
  if (by === 'distinct_id')
    return compileFor(
      options.dialect,
      sql`SELECT d.distinct_id AS value, ${fn.toText(text('d.person_id'))} AS id FROM person_distinct_ids d
WHERE d.project_id = ${projectId} AND ${fn.inTexts(list, text('d.distinct_id'))}`,
    );
  const email = JsonPropertyNode.create(fn.argMax(text('properties'), text('version')), 'email');
  return compileFor(
    options.dialect,
    sql`SELECT v.value AS value, ${fn.toText(text('p.id'))} AS id FROM (SELECT ${fn.unnestTexts(list)} AS value) v
JOIN (SELECT id, ${fn.lowerText(email)} AS email FROM persons WHERE project_id = ${projectId} GROUP BY id) p
ON p.email = ${fn.lowerText(text('v.value'))}`,
  );
}

import type { Filter } from '@opsloop/schema';
import { compileDuckDb, matchingPersons } from '../people/person-scope.js';
import { sql } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

/**
 * Every person matching a dynamic segment's filter as of `asOf` (the filter's
 * `{segment}` references already resolved, see `resolveSegments`). One
 * column, `id`, sorted.
 *
 * @example
 * const q = segmentMembersQuery({ performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } }, { projectId, asOf: Date.now() });
 */
export function segmentMembersQuery(
  filter: Filter,
  env: { readonly projectId: string; readonly asOf: number },
): CompiledQuery {
  return compileDuckDb(
    sql`SELECT m.id::VARCHAR AS id FROM (${matchingPersons(filter, env)}) m ORDER BY 1`,
  );
}

/** How many persons match, without listing them. */
export function segmentSizeQuery(
  filter: Filter,
  env: { readonly projectId: string; readonly asOf: number },
): CompiledQuery {
  return compileDuckDb(sql`SELECT count(*) AS n FROM (${matchingPersons(filter, env)}) m`);
}

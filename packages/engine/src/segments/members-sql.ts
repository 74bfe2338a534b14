import type { Filter } from '@opsloop/schema';
import { compileFor, matchingPersons, type PeopleDialect } from '../people/person-scope.js';
import { fn } from '../sql/ast/functions.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

/**
 * Every person matching a dynamic segment's filter as of `asOf` (the filter's
 * `{segment}` references already resolved, see `resolveSegments`). One
 * column, `id`, sorted.
 *
 * @example
 * const q = segmentMembersQuery({ performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } }, { projectId, asOf: Date.now() });
 */
export function segmentMembersQuery(filter: Filter, env: SegmentQueryEnv): CompiledQuery {
  return compileFor(
    env.dialect,
    sql`SELECT ${fn.toText(text('m.id'))} AS id FROM (${matchingPersons(filter, env)}) m ORDER BY id`,
  );
}

export interface SegmentQueryEnv {
  readonly projectId: string;
  readonly asOf: number;
  /** The event store's engine (default DuckDB). */
  readonly dialect?: PeopleDialect | undefined;
}

/** How many persons match, without listing them. */
export function segmentSizeQuery(filter: Filter, env: SegmentQueryEnv): CompiledQuery {
  return compileFor(
    env.dialect,
    sql`SELECT count(*) AS n FROM (${matchingPersons(filter, env)}) m`,
  );
}

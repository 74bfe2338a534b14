import type { Filter } from '@opsloop/schema';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { compileDuckDb, matchingPersons } from './person-scope.js';

export interface PersonListSpec {
  readonly projectId: string;
  readonly where?: Filter | undefined;
  /** Case-insensitive substring of the id, a distinct id, or the email or name property. */
  readonly search?: string | undefined;
  readonly asOf: number;
  readonly limit: number;
  readonly offset: number;
}

/**
 * One page of persons, newest first, with the total that match. Columns: id,
 * props (JSON text), distinct_ids (list), first_seen/last_seen (epoch ms, null
 * without events), total. Seen times are computed for the page's persons only.
 */
export function personListQuery(s: PersonListSpec): CompiledQuery {
  return compileDuckDb(sql`WITH p AS (${matched(s)}),
m AS (SELECT p.id, p.properties AS props, p.created_at, count(*) OVER () AS total FROM p ORDER BY p.created_at DESC, p.id LIMIT ${s.limit} OFFSET ${s.offset}),
seen AS (SELECT coalesce(o.person_id, e.person_id) AS id, epoch_ms(min(e.timestamp)) AS first_seen, epoch_ms(max(e.timestamp)) AS last_seen
  FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = ${s.projectId} AND coalesce(o.person_id, e.person_id) IN (SELECT id FROM m) GROUP BY 1),
ids AS (SELECT person_id AS id, list(distinct_id ORDER BY distinct_id) AS distinct_ids FROM person_distinct_ids
  WHERE project_id = ${s.projectId} AND person_id IN (SELECT id FROM m) GROUP BY 1)
SELECT m.id::VARCHAR AS id, m.props::VARCHAR AS props, coalesce(ids.distinct_ids, []) AS distinct_ids,
  seen.first_seen, seen.last_seen, m.total
FROM m LEFT JOIN seen ON seen.id = m.id LEFT JOIN ids ON ids.id = m.id
ORDER BY m.created_at DESC, m.id`);
}

/** How many persons match (for a page past the end, where no row carries the total). */
export function personCountQuery(s: Omit<PersonListSpec, 'limit' | 'offset'>): CompiledQuery {
  return compileDuckDb(sql`SELECT count(*) AS n FROM (${matched(s)}) p`);
}

function matched(s: Omit<PersonListSpec, 'limit' | 'offset'>): SqlNode {
  const base = matchingPersons(s.where, {
    projectId: s.projectId,
    asOf: s.asOf,
    withProperties: true,
  });
  const conds: SqlNode[] = [];
  if (s.search !== undefined && s.search.trim() !== '') {
    const q = s.search.trim().toLowerCase();
    conds.push(
      sql`(contains(lower(p.id::VARCHAR), ${q}) OR contains(lower(coalesce(json_extract_string(p.properties, '$.email'), '')), ${q}) OR contains(lower(coalesce(json_extract_string(p.properties, '$.name'), '')), ${q}) OR p.id IN (SELECT person_id FROM person_distinct_ids WHERE project_id = ${s.projectId} AND contains(lower(distinct_id), ${q})))`,
    );
  }
  if (conds.length === 0) return base;
  return sql`SELECT * FROM (${base}) p WHERE ${join(conds, ' AND ')}`;
}

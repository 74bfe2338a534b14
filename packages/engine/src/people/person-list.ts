import type { Filter } from '@opsloop/schema';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, EventsTableNode, JsonPropertyNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { clickhouseAdapter } from '../sql/dialect/clickhouse.js';
import { duckdbAdapter } from '../sql/dialect/duckdb.js';
import {
  compileFor,
  inIdentitySubquery,
  matchingPersons,
  type PeopleDialect,
  type PeopleOptions,
} from './person-scope.js';

export interface PersonListSpec {
  readonly projectId: string;
  readonly where?: Filter | undefined;
  /** Case-insensitive substring of the id, a distinct id, or the email or name property. */
  readonly search?: string | undefined;
  readonly asOf: number;
  readonly limit: number;
  readonly offset: number;
  /** The event store's engine (default DuckDB). */
  readonly dialect?: PeopleDialect | undefined;
}

/**
 * One page of persons, newest first. Columns: id, props (JSON text),
 * created_at, and where the engine has window functions also distinct_ids
 * (list), first_seen/last_seen (epoch ms, null without events) and total (how
 * many match). Without them (ClickHouse 18.16, which also allows one JOIN per
 * SELECT) the page comes alone: ask {@link personSeenQuery},
 * {@link personDistinctIdsQuery} and {@link personCountQuery} for the rest.
 * Seen times are computed for the page's persons only.
 */
export function personListQuery(s: PersonListSpec): CompiledQuery {
  const adapter = s.dialect === 'clickhouse' ? clickhouseAdapter : duckdbAdapter;
  if (!adapter.hasWindowFunctions)
    return compileFor(
      s.dialect,
      sql`SELECT ${fn.toText(text('p.id'))} AS id, ${fn.toText(text('p.properties'))} AS props, ${EpochMsNode.create(text('p.created_at'))} AS created_at
FROM (${matched(s)}) p ORDER BY p.created_at DESC, p.id LIMIT ${s.limit} OFFSET ${s.offset}`,
    );
  return compileFor(
    s.dialect,
    sql`WITH p AS (${matched(s)}),
m AS (SELECT p.id, p.properties AS props, p.created_at, count(*) OVER () AS total FROM p ORDER BY p.created_at DESC, p.id LIMIT ${s.limit} OFFSET ${s.offset}),
seen AS (SELECT coalesce(o.person_id, e.person_id) AS id, epoch_ms(min(e.timestamp)) AS first_seen, epoch_ms(max(e.timestamp)) AS last_seen
  FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = ${s.projectId} AND coalesce(o.person_id, e.person_id) IN (SELECT id FROM m) GROUP BY 1),
ids AS (SELECT person_id AS id, list(distinct_id ORDER BY distinct_id) AS distinct_ids FROM person_distinct_ids
  WHERE project_id = ${s.projectId} AND person_id IN (SELECT id FROM m) GROUP BY 1)
SELECT m.id::VARCHAR AS id, m.props::VARCHAR AS props, coalesce(ids.distinct_ids, []) AS distinct_ids,
  seen.first_seen, seen.last_seen, m.total
FROM m LEFT JOIN seen ON seen.id = m.id LEFT JOIN ids ON ids.id = m.id
ORDER BY m.created_at DESC, m.id`,
  );
}

/** How many persons match (for a page past the end, where no row carries the total). */
export function personCountQuery(s: Omit<PersonListSpec, 'limit' | 'offset'>): CompiledQuery {
  return compileFor(s.dialect, sql`SELECT count(*) AS n FROM (${matched(s)}) p`);
}

/**
 * First and last seen (epoch ms) of the given persons, counting the events
 * stored under ids merged into them. Columns id, first_seen, last_seen; a
 * person without events has no row. `ids` is not empty.
 */
export function personSeenQuery(
  projectId: string,
  ids: readonly string[],
  options: PeopleOptions = {},
): CompiledQuery {
  const list = sql`${[...ids]}`;
  const scan = sql`e.project_id = ${projectId} AND (${fn.inList(list, text('e.person_id'))} OR e.person_id ${inIdentitySubquery(options.dialect)} (SELECT old_person_id FROM person_overrides WHERE project_id = ${projectId} AND ${fn.inList(list, text('person_id'))}))`;
  return compileFor(
    options.dialect,
    sql`SELECT ${fn.toText(PERSON)} AS id, ${EpochMsNode.create(text('min(e.timestamp)'))} AS first_seen, ${EpochMsNode.create(text('max(e.timestamp)'))} AS last_seen
FROM ${EventsTableNode.create('e', scan)}${OVERRIDES_JOIN} WHERE ${scan} GROUP BY id`,
  );
}

/** The distinct ids of the given persons: rows id, distinct_id, sorted by distinct id. */
export function personDistinctIdsQuery(
  projectId: string,
  ids: readonly string[],
  options: PeopleOptions = {},
): CompiledQuery {
  return compileFor(
    options.dialect,
    sql`SELECT ${fn.toText(text('person_id'))} AS id, distinct_id FROM person_distinct_ids
WHERE project_id = ${projectId} AND ${fn.inList(sql`${[...ids]}`, text('person_id'))} ORDER BY distinct_id`,
  );
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
    const prop = (key: string) =>
      fn.containsText(
        sql`coalesce(${JsonPropertyNode.create(text('p.properties'), key)}, '')`,
        sql`${q}`,
      );
    conds.push(
      sql`(${fn.containsText(fn.toText(text('p.id')), sql`${q}`)} OR ${prop('email')} OR ${prop('name')} OR p.id IN (SELECT person_id FROM person_distinct_ids WHERE project_id = ${s.projectId} AND ${fn.containsText(text('distinct_id'), sql`${q}`)}))`,
    );
  }
  if (conds.length === 0) return base;
  return sql`SELECT * FROM (${base}) p WHERE ${join(conds, ' AND ')}`;
}

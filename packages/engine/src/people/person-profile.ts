import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, EventsTableNode, InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import {
  compileDuckDb,
  compileFor,
  eventsOfIds,
  type PeopleOptions,
  personEventsWhere,
  personIdValue,
} from './person-scope.js';

/**
 * The person's current row: props (JSON text), is_identified (a boolean, or
 * 1/0 where the engine has no booleans), created_at (ms), distinct ids,
 * first/last seen (ms) and the groups their events named (JSON text of
 * `{type: key}` objects). No row when the person is unknown.
 */
export function personProfileQuery(
  projectId: string,
  personId: string,
  options: PeopleOptions = {},
): CompiledQuery {
  if (options.dialect === 'clickhouse') return profileWithoutCommaJoins(projectId, personId);
  return compileDuckDb(sql`WITH p AS (SELECT arg_max(properties, version)::VARCHAR AS props, bool_or(is_identified) AS is_identified, epoch_ms(min(created_at)) AS created_at
  FROM persons WHERE project_id = ${projectId} AND id = ${personId}::UUID HAVING count(*) > 0),
ev AS (SELECT epoch_ms(min(e.timestamp)) AS first_seen, epoch_ms(max(e.timestamp)) AS last_seen,
  list(DISTINCT e.groups::VARCHAR) FILTER (WHERE e.groups IS NOT NULL AND e.groups::VARCHAR <> '{}') AS groups
  FROM events e WHERE ${personEventsWhere(projectId, personId)})
SELECT p.props, p.is_identified, p.created_at, ev.first_seen, ev.last_seen, coalesce(ev.groups, []) AS groups,
  (SELECT coalesce(list(distinct_id ORDER BY distinct_id), []) FROM person_distinct_ids WHERE project_id = ${projectId} AND person_id = ${personId}::UUID) AS distinct_ids
FROM p, ev`);
}

/**
 * ClickHouse 18.16: one JOIN per SELECT (so the three one-row parts are
 * nested CROSS JOINs), aggregates over no rows give 0 rather than NULL (so
 * seen times say NULL themselves), groups are text that is never NULL.
 */
function profileWithoutCommaJoins(projectId: string, personId: string): CompiledQuery {
  const id = personIdValue(personId, 'clickhouse');
  const scan = personEventsWhere(projectId, personId, 'e', { dialect: 'clickhouse' });
  const seen = (agg: 'min' | 'max') => sql`if(count() = 0, NULL, ${text(agg)}(e.timestamp))`;
  const person = sql`SELECT ${fn.toText(fn.argMax(text('properties'), text('version')))} AS props, ${fn.boolOr(text('is_identified'))} AS is_identified, min(created_at) AS created_at
  FROM persons WHERE project_id = ${projectId} AND id = ${id} HAVING count() > 0`;
  const events = sql`SELECT ${seen('min')} AS first_seen, ${seen('max')} AS last_seen,
  groupUniqArrayIf(e.groups, e.groups NOT IN ('', '{}')) AS groups
  FROM ${EventsTableNode.create('e', scan)} WHERE ${scan}`;
  const ids = sql`SELECT arraySort(groupArray(distinct_id)) AS distinct_ids FROM person_distinct_ids WHERE project_id = ${projectId} AND person_id = ${id}`;
  return compileFor(
    'clickhouse',
    sql`SELECT props, is_identified, created_at, first_seen, last_seen, groups, distinct_ids
FROM (${person}) p CROSS JOIN (SELECT first_seen, last_seen, groups, distinct_ids FROM (${events}) ev CROSS JOIN (${ids}) d) x`,
  );
}

/**
 * The person's property changes ($set, $set_once, $unset), newest first:
 * columns ts (ms), event, person_ops (JSON text).
 */
export function propertyHistoryQuery(
  projectId: string,
  personId: string,
  limit: number,
  options: PeopleOptions = {},
): CompiledQuery {
  const scan = personEventsWhere(projectId, personId, 'e', options);
  return compileFor(
    options.dialect,
    sql`SELECT ${EpochMsNode.create(text('e.timestamp'))} AS ts, e.event, ${fn.toText(text('e.person_ops'))} AS person_ops
FROM ${EventsTableNode.create('e', scan)} WHERE ${scan} AND e.person_ops IS NOT NULL
ORDER BY e.timestamp DESC, e.uuid DESC LIMIT ${limit}`,
  );
}

export interface TimelineCursor {
  /** Epoch ms and uuid of the last event of the previous page. */
  readonly ts: number;
  readonly uuid: string;
}

/** One page of the person's events, newest first (ties by uuid), after `cursor`. */
export function timelineQuery(
  projectId: string,
  personId: string,
  options: {
    limit: number;
    cursor?: TimelineCursor | undefined;
    /** Ids merged into the person (from `mergedIdsQuery`); without it a subquery finds them. */
    mergedIds?: readonly string[] | undefined;
  } & PeopleOptions,
): CompiledQuery {
  const c = options.cursor;
  // Event uuids are UUIDs in DuckDB and lower-case text in ClickHouse, which order alike.
  const uuid = (u: string): SqlNode => personIdValue(u, options.dialect);
  const after = c
    ? sql` AND (e.timestamp < ${InstantNode.create(c.ts)} OR (e.timestamp = ${InstantNode.create(c.ts)} AND e.uuid < ${uuid(c.uuid)}))`
    : sql``;
  const scan = options.mergedIds
    ? eventsOfIds(projectId, [personId, ...options.mergedIds], 'e', options)
    : personEventsWhere(projectId, personId, 'e', options);
  return compileFor(
    options.dialect,
    sql`SELECT ${fn.toText(text('e.uuid'))} AS uuid, e.event, e.distinct_id, ${EpochMsNode.create(text('e.timestamp'))} AS ts,
  ${fn.toText(text('e.properties'))} AS properties, e.url, e.session_id
FROM ${EventsTableNode.create('e', scan)} WHERE ${scan}${after}
ORDER BY e.timestamp DESC, e.uuid DESC LIMIT ${options.limit}`,
  );
}

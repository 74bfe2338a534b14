import { InstantNode } from '../sql/ast/nodes.js';
import { sql } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { compileDuckDb, eventsOfIds, personEventsWhere } from './person-scope.js';

/**
 * The person's current row: props (JSON text), is_identified, created_at (ms),
 * distinct ids, first/last seen (ms) and the groups their events named
 * (JSON text of `{type: key}` objects). No row when the person is unknown.
 */
export function personProfileQuery(projectId: string, personId: string): CompiledQuery {
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
 * The person's property changes ($set, $set_once, $unset), newest first:
 * columns ts (ms), event, person_ops (JSON text).
 */
export function propertyHistoryQuery(
  projectId: string,
  personId: string,
  limit: number,
): CompiledQuery {
  return compileDuckDb(sql`SELECT epoch_ms(e.timestamp) AS ts, e.event, e.person_ops::VARCHAR AS person_ops
FROM events e WHERE ${personEventsWhere(projectId, personId)} AND e.person_ops IS NOT NULL
ORDER BY e.timestamp DESC, e.uuid DESC LIMIT ${limit}`);
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
  },
): CompiledQuery {
  const c = options.cursor;
  const after = c
    ? sql` AND (e.timestamp < ${InstantNode.create(c.ts)} OR (e.timestamp = ${InstantNode.create(c.ts)} AND e.uuid < ${c.uuid}::UUID))`
    : sql``;
  return compileDuckDb(sql`SELECT e.uuid::VARCHAR AS uuid, e.event, e.distinct_id, epoch_ms(e.timestamp) AS ts,
  e.properties::VARCHAR AS properties, e.url, e.session_id
FROM events e WHERE ${options.mergedIds ? eventsOfIds(projectId, [personId, ...options.mergedIds]) : personEventsWhere(projectId, personId)}${after}
ORDER BY e.timestamp DESC, e.uuid DESC LIMIT ${options.limit}`);
}

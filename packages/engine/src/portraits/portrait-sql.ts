import type { Filter } from '@opsloop/schema';
import { compileDuckDb, matchingPersons } from '../people/person-scope.js';
import { propertyText } from '../plan/properties.js';
import { PERSON } from '../plan/source.js';
import { InstantNode, JsonPropertyNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

export interface PortraitSpec {
  readonly projectId: string;
  /** The segment as a resolved filter (a dynamic filter, or `{members}` of a static one). */
  readonly segment: Filter;
  readonly asOf: number;
}

/**
 * The distribution of one property over the segment's members and over all
 * persons: rows value (null: not set), segment (persons), everyone (persons).
 * A person property is read from the profile; an event property is the value
 * on the person's latest event that has it (e.g. their last device).
 */
export function propertyDistributionQuery(
  s: PortraitSpec,
  property: { on: 'event' | 'person'; name: string },
  limit: number,
): CompiledQuery {
  const members = matchingPersons(s.segment, { projectId: s.projectId, asOf: s.asOf });
  const values =
    property.on === 'person'
      ? sql`SELECT id AS person, ${JsonPropertyNode.create(text('arg_max(properties, version)'), property.name)} AS value FROM persons WHERE project_id = ${s.projectId} GROUP BY id`
      : sql`SELECT ${PERSON} AS person, arg_max(v, e.timestamp) AS value FROM (SELECT *, ${propertyText({ eventAlias: 'events', personProperties: undefined }, 'event', property.name)} AS v FROM events WHERE project_id = ${s.projectId} AND timestamp <= ${InstantNode.create(s.asOf)}) e
          LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id WHERE v IS NOT NULL GROUP BY 1`;
  const persons = sql`SELECT id FROM persons WHERE project_id = ${s.projectId} GROUP BY id`;
  return compileDuckDb(sql`WITH m AS (SELECT id FROM (${members}) x), v AS (${values}),
a AS (SELECT p.id, v.value, p.id IN (SELECT id FROM m) AS member FROM (${persons}) p LEFT JOIN v ON v.person = p.id)
SELECT value, count(*) FILTER (WHERE member) AS segment, count(*) AS everyone FROM a GROUP BY value ORDER BY segment DESC, everyone DESC, value NULLS LAST LIMIT ${limit}`);
}

/**
 * The events that set the segment apart: per event name, how many members
 * and how many persons did it in the `days` before `asOf`. Rows: event,
 * segment, everyone; the caller computes shares and lift.
 */
export function distinguishingEventsQuery(
  s: PortraitSpec,
  days: number,
  limit: number,
): CompiledQuery {
  const members = matchingPersons(s.segment, { projectId: s.projectId, asOf: s.asOf });
  return compileDuckDb(sql`WITH m AS (SELECT id FROM (${members}) x),
d AS (SELECT DISTINCT e.event, ${PERSON} AS person FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = ${s.projectId} AND e.timestamp > ${InstantNode.create(s.asOf - days * 86_400_000)} AND e.timestamp <= ${InstantNode.create(s.asOf)})
SELECT event, count(*) FILTER (WHERE person IN (SELECT id FROM m)) AS segment, count(*) AS everyone FROM d GROUP BY event
ORDER BY segment DESC, event LIMIT ${limit}`);
}

/** Members and all persons (the denominators of shares). */
export function portraitSizesQuery(s: PortraitSpec): CompiledQuery {
  const members = matchingPersons(s.segment, { projectId: s.projectId, asOf: s.asOf });
  return compileDuckDb(
    sql`SELECT (SELECT count(*) FROM (${members}) x) AS segment, (SELECT count(DISTINCT id) FROM persons WHERE project_id = ${s.projectId}) AS everyone`,
  );
}

import type { Filter } from '@opsloop/schema';
import { compileFor, matchingPersons, type PeopleDialect } from '../people/person-scope.js';
import { propertyText } from '../plan/properties.js';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { cte, fn } from '../sql/ast/functions.js';
import { EventsTableNode, InstantNode, JsonPropertyNode, WithNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

export interface PortraitSpec {
  readonly projectId: string;
  /** The segment as a resolved filter (a dynamic filter, or `{members}` of a static one). */
  readonly segment: Filter;
  readonly asOf: number;
  /** The event store's engine (default DuckDB). */
  readonly dialect?: PeopleDialect | undefined;
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
  const scan = sql`e.project_id = ${s.projectId} AND e.timestamp <= ${InstantNode.create(s.asOf)}`;
  const eventValue = propertyText(
    { eventAlias: 'e', personProperties: undefined },
    'event',
    property.name,
  );
  const values =
    property.on === 'person'
      ? sql`SELECT id AS person, ${JsonPropertyNode.create(fn.argMax(text('properties'), text('version')), property.name)} AS value FROM persons WHERE project_id = ${s.projectId} GROUP BY id`
      : sql`SELECT ${PERSON} AS person, ${fn.argMax(text('v'), text('e.timestamp'))} AS value FROM (SELECT e.project_id AS project_id, e.person_id AS person_id, e.timestamp AS timestamp, ${eventValue} AS v FROM ${EventsTableNode.create('e', scan)} WHERE ${scan}) e${OVERRIDES_JOIN} WHERE v IS NOT NULL GROUP BY person`;
  const persons = sql`SELECT id FROM persons WHERE project_id = ${s.projectId} GROUP BY id`;
  return compileFor(
    s.dialect,
    WithNode.create(
      [
        { name: 'm', query: sql`SELECT id FROM (${members}) x` },
        { name: 'v', query: values },
        {
          name: 'a',
          query: sql`SELECT p.id AS id, v.value AS value, p.id IN (SELECT id FROM ${cte('m')}) AS member FROM (${persons}) p LEFT JOIN ${cte('v')} ON v.person = p.id`,
        },
      ],
      sql`SELECT value, ${fn.countIf(text('member'))} AS segment, count(*) AS everyone FROM ${cte('a')} GROUP BY value ORDER BY segment DESC, everyone DESC, value NULLS LAST LIMIT ${limit}`,
    ),
  );
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
  const scan = sql`e.project_id = ${s.projectId} AND e.timestamp > ${InstantNode.create(s.asOf - days * 86_400_000)} AND e.timestamp <= ${InstantNode.create(s.asOf)}`;
  return compileFor(
    s.dialect,
    WithNode.create(
      [
        { name: 'm', query: sql`SELECT id FROM (${members}) x` },
        {
          name: 'd',
          query: sql`SELECT DISTINCT e.event AS event, ${PERSON} AS person FROM ${EventsTableNode.create('e', scan)}${OVERRIDES_JOIN} WHERE ${scan}`,
        },
      ],
      sql`SELECT event, ${fn.countIf(sql`person IN (SELECT id FROM ${cte('m')})`)} AS segment, count(*) AS everyone FROM ${cte('d')} GROUP BY event
ORDER BY segment DESC, event LIMIT ${limit}`,
    ),
  );
}

/** Members and all persons (the denominators of shares). */
export function portraitSizesQuery(s: PortraitSpec): CompiledQuery {
  const members = matchingPersons(s.segment, { projectId: s.projectId, asOf: s.asOf });
  return compileFor(
    s.dialect,
    sql`SELECT (SELECT count(*) FROM (${members}) x) AS segment, (SELECT ${fn.countDistinct(text('id'))} FROM persons WHERE project_id = ${s.projectId}) AS everyone`,
  );
}

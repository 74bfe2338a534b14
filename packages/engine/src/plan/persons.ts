import type { PersonsQuery, PersonsResult } from '@opsloop/schema';
import { EpochMsNode, JsonPropertyNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { type PlanContext, QueryPlanError } from './context.js';
import { planPersonFilter } from './persons-filter.js';
import { field, num, type Plan, type Row, str } from './plan.js';
import { PERSON } from './source.js';

/**
 * Persons: one row per current (merged) person — those with events and those
 * in `persons` that were not merged away — with every distinct id and the
 * first and last event over all merged ids.
 *
 * One grouped scan of the project's events computes, per person, first/last
 * seen and one aggregate per event-level condition of `where`; the person
 * condition is then a plain expression over those columns. Distinct ids are
 * gathered for the returned page only.
 */
export function planPersons(q: PersonsQuery, ctx: PlanContext): Plan<PersonsResult> {
  const asOf = q.asOf === undefined ? ctx.now : Date.parse(q.asOf);
  if (!Number.isSafeInteger(asOf)) throw new QueryPlanError('asOf', 'not a valid instant');
  const p = ctx.projectId;
  const filter = planPersonFilter(q.where, {
    event: {
      scope: { eventAlias: 'e', personProperties: undefined },
      projectId: p,
      asOf,
      person: PERSON,
    },
    row: 'u',
  });
  const aggCols = filter.aggregates.map((a, i) => sql`, ${a} AS ${text(`a${i}`)}`);
  const aggNames = filter.aggregates.map((_, i) => text(`, ev.a${i}`));
  const overrides = text(
    'LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id',
  );
  const root = sql`WITH pp AS (SELECT id, arg_max(properties, version) AS properties FROM persons WHERE project_id = ${p} GROUP BY id), ev AS (SELECT ${PERSON} AS person, min(e.timestamp) AS first_seen, max(e.timestamp) AS last_seen${join(aggCols, '')} FROM events e ${overrides} WHERE e.project_id = ${p} GROUP BY 1), u AS (SELECT coalesce(ev.person, pp.id) AS id, pp.properties, ev.first_seen, ev.last_seen${join(aggNames, '')} FROM ev FULL OUTER JOIN pp ON pp.id = ev.person WHERE ev.person IS NOT NULL OR pp.id NOT IN (SELECT old_person_id FROM person_overrides WHERE project_id = ${p})), m AS MATERIALIZED (SELECT u.id, u.properties, u.first_seen, u.last_seen FROM u WHERE ${filter.condition}), page AS MATERIALIZED (SELECT * FROM m ORDER BY ${orderKeys(q, 'm')} LIMIT ${q.limit} OFFSET ${q.offset}), ids AS (SELECT person, list(DISTINCT d) AS distinct_ids FROM (SELECT coalesce(o.person_id, d.person_id) AS person, d.distinct_id AS d FROM person_distinct_ids d LEFT JOIN person_overrides o ON o.project_id = d.project_id AND o.old_person_id = d.person_id WHERE d.project_id = ${p} UNION ALL SELECT ${PERSON}, e.distinct_id FROM events e ${overrides} WHERE e.project_id = ${p} AND ${PERSON} IN (SELECT id FROM page)) x WHERE person IN (SELECT id FROM page) GROUP BY person) SELECT c.total, page.id::VARCHAR AS id, page.properties::VARCHAR AS properties, ${EpochMsNode.create(text('page.first_seen'))} AS first_seen, ${EpochMsNode.create(text('page.last_seen'))} AS last_seen, ids.distinct_ids FROM (SELECT count(*) AS total FROM m) c LEFT JOIN page ON true LEFT JOIN ids ON ids.person = page.id ORDER BY ${orderKeys(q, 'page')}`;
  return { root, shape: (rows) => shapePersons(rows) };
}

/** Sort keys: missing values last in both directions, then the id for stable pages. */
function orderKeys(q: PersonsQuery, alias: string): SqlNode {
  const dir = text(q.direction === 'asc' ? 'ASC' : 'DESC');
  const id = text(`${alias}.id::VARCHAR ASC`);
  if (q.orderBy === 'lastSeen' || q.orderBy === 'firstSeen') {
    const col = text(`${alias}.${q.orderBy === 'lastSeen' ? 'last_seen' : 'first_seen'}`);
    return sql`${col} ${dir} NULLS LAST, ${id}`;
  }
  // Numbers sort numerically and before text, which sorts by code point.
  const v = JsonPropertyNode.create(
    text(`${alias}.properties`),
    q.orderBy.slice('property:'.length),
  );
  const n = sql`TRY_CAST(${v} AS DOUBLE)`;
  return sql`(${v} IS NULL) ASC, (${n} IS NULL) ASC, ${n} ${dir}, ${v} ${dir}, ${id}`;
}

function shapePersons(rows: readonly Row[]): PersonsResult {
  const count = num(rows[0] ? field(rows[0], 'total') : 0) ?? 0;
  const persons: PersonsResult['persons'] = [];
  for (const r of rows) {
    const id = str(field(r, 'id'));
    if (id === null) continue;
    const props = str(field(r, 'properties'));
    const ids = field(r, 'distinct_ids');
    const first = num(field(r, 'first_seen'));
    const last = num(field(r, 'last_seen'));
    persons.push({
      id,
      distinctIds: (Array.isArray(ids) ? ids.map(String) : []).sort(),
      properties: props === null ? {} : (JSON.parse(props) as Record<string, unknown>),
      firstSeen: first === null ? null : new Date(first).toISOString(),
      lastSeen: last === null ? null : new Date(last).toISOString(),
    });
  }
  return { count, persons };
}

import type { PersonsQuery, PersonsResult } from '@opsloop/schema';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  EventsTableNode,
  JsonPropertyNode,
  MergedPersonNode,
  OverridesJoinNode,
  type SqlNode,
  WithNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { adapterOf, type PlanContext, QueryPlanError } from './context.js';
import { planPersonFilter } from './persons-filter.js';
import { field, num, type Plan, type Row, str } from './plan.js';
import { OVERRIDES_JOIN, PERSON } from './source.js';

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
  const noAggs = filter.aggregates.map((_, i) => text(`, NULL AS a${i}`));
  // Persons never merged away; with their events, or from `persons` alone.
  const notMerged = sql`pp.id NOT IN (SELECT old_person_id FROM person_overrides WHERE project_id = ${p})`;
  const adapter = adapterOf(ctx);
  const events = EventsTableNode.create('e', sql`e.project_id = ${p}`);
  const u = adapter.hasFullJoins
    ? sql`SELECT coalesce(ev.person, pp.id) AS id, pp.properties, ev.first_seen, ev.last_seen${join(aggNames, '')} FROM ${cte('ev')} FULL OUTER JOIN ${cte('pp')} ON pp.id = ev.person WHERE ev.person IS NOT NULL OR ${notMerged}`
    : sql`SELECT ev.person AS id, pp.properties AS properties, ev.first_seen AS first_seen, ev.last_seen AS last_seen${join(aggNames, '')} FROM ${cte('ev')} LEFT JOIN ${cte('pp')} ON pp.id = ev.person UNION ALL SELECT pp.id AS id, pp.properties AS properties, NULL AS first_seen, NULL AS last_seen${join(noAggs, '')} FROM ${cte('pp')} WHERE pp.id NOT IN (SELECT person FROM ${cte('ev')}) AND ${notMerged}`;
  const idPerson = MergedPersonNode.create('d', 'o');
  const tables = [
    {
      name: 'pp',
      query: sql`SELECT id, ${fn.argMax(text('properties'), text('version'))} AS properties FROM persons WHERE project_id = ${p} GROUP BY id`,
    },
    {
      name: 'ev',
      query: sql`SELECT ${PERSON} AS person, min(e.timestamp) AS first_seen, max(e.timestamp) AS last_seen${join(aggCols, '')} FROM ${events}${OVERRIDES_JOIN} WHERE e.project_id = ${p} GROUP BY person`,
    },
    { name: 'u', query: u },
    {
      name: 'm',
      materialized: true,
      query: sql`SELECT u.id, u.properties, u.first_seen, u.last_seen FROM ${cte('u')} WHERE ${filter.condition}`,
    },
    {
      name: 'page',
      materialized: true,
      query: sql`SELECT * FROM ${cte('m')} ORDER BY ${orderKeys(q, 'm')} LIMIT ${q.limit} OFFSET ${q.offset}`,
    },
  ];
  const onPage = (x: SqlNode) => sql`${x} IN (SELECT id FROM ${cte('page')})`;
  const eventIds = sql`SELECT ${PERSON}, e.distinct_id FROM ${events}${OVERRIDES_JOIN} WHERE e.project_id = ${p} AND ${onPage(PERSON)}`;
  const storedIds = sql`SELECT ${idPerson} AS person, d.distinct_id AS did FROM person_distinct_ids d${OverridesJoinNode.create('d', 'o')} WHERE d.project_id = ${p}`;
  const columns = sql`${fn.toText(text('page.id'))} AS id, ${fn.toText(text('page.properties'))} AS properties, ${EpochMsNode.create(text('page.first_seen'))} AS first_seen, ${EpochMsNode.create(text('page.last_seen'))} AS last_seen`;
  if (adapter.hasMultipleJoins) {
    tables.push({
      name: 'ids',
      query: sql`SELECT person, ${fn.distinctList(text('did'))} AS distinct_ids FROM (${storedIds} UNION ALL ${eventIds}) x WHERE ${onPage(text('person'))} GROUP BY person`,
    });
    const root = WithNode.create(
      tables,
      sql`SELECT c.total, ${columns}, ids.distinct_ids FROM (SELECT count(*) AS total FROM ${cte('m')}) c LEFT JOIN ${cte('page')} ON ${fn.true} LEFT JOIN ${cte('ids')} ON ids.person = page.id ORDER BY ${orderKeys(q, 'page')}`,
    );
    return { root, shape: (rows) => shapePersons(rows) };
  }
  // One join per SELECT, and no outer join may leave an array column to
  // fill (ClickHouse has no nullable arrays): the total is a row of its own
  // (id NULL) beside the page's rows, and every page person has an ids row.
  tables.push({
    name: 'ids',
    query: sql`SELECT person, ${fn.distinctList(text('did'))} AS distinct_ids FROM (${storedIds} UNION ALL ${eventIds} UNION ALL SELECT id, NULL FROM ${cte('page')}) x WHERE ${onPage(text('person'))} GROUP BY person`,
  });
  const root = WithNode.create(
    tables,
    sql`SELECT * FROM (SELECT count(*) AS total, ${fn.nullText} AS id, ${fn.nullText} AS properties, ${fn.nullBigint} AS first_seen, ${fn.nullBigint} AS last_seen, ${fn.emptyTextList} AS distinct_ids FROM ${cte('m')} UNION ALL SELECT NULL AS total, ${columns}, ids.distinct_ids AS distinct_ids FROM ${cte('page')} JOIN ${cte('ids')} ON ids.person = page.id) page ORDER BY ${orderKeys(q, 'page')}`,
  );
  return { root, shape: (rows) => shapePersons(rows) };
}

/** Sort keys: missing values last in both directions, then the id for stable pages. */
function orderKeys(q: PersonsQuery, alias: string): SqlNode {
  const dir = text(q.direction === 'asc' ? 'ASC' : 'DESC');
  const id = sql`${fn.toText(text(`${alias}.id`))} ASC`;
  if (q.orderBy === 'lastSeen' || q.orderBy === 'firstSeen') {
    const col = text(`${alias}.${q.orderBy === 'lastSeen' ? 'last_seen' : 'first_seen'}`);
    return sql`${col} ${dir} NULLS LAST, ${id}`;
  }
  // Numbers sort numerically and before text, which sorts by code point.
  const v = JsonPropertyNode.create(
    text(`${alias}.properties`),
    q.orderBy.slice('property:'.length),
  );
  const n = fn.tryDouble(v);
  return sql`(${v} IS NULL) ASC, (${n} IS NULL) ASC, ${n} ${dir}, ${v} ${dir}, ${id}`;
}

function shapePersons(rows: readonly Row[]): PersonsResult {
  // Every row carries the total, or one row of its own does (with no id).
  const totalRow = rows.find((r) => num(field(r, 'total')) !== null);
  const count = (totalRow && num(field(totalRow, 'total'))) ?? 0;
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

import type { Filter } from '@opsloop/schema';
import { needsPersonProperties } from '../plan/filter-sql.js';
import { type PersonFilterEnv, planPersonFilter } from '../plan/persons-filter.js';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { fn } from '../sql/ast/functions.js';
import { EventsTableNode, InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { ClickHouseCompiler } from '../sql/dialect/clickhouse.js';
import { DuckDbCompiler } from '../sql/dialect/duckdb.js';

/**
 * The project's current persons, one row each: `id` (UUID), `properties` (the
 * newest) and `created_at`. Persons merged away are not in the table any more.
 */
export function personsCte(projectId: string, options: { properties?: boolean } = {}): SqlNode {
  // Carrying a million JSON documents through the plan costs more than the filter itself.
  const props =
    options.properties === false ? fn.nullJson : fn.argMax(text('properties'), text('version'));
  return sql`SELECT id, ${props} AS properties, min(created_at) AS created_at FROM persons WHERE project_id = ${projectId} GROUP BY id`;
}

/**
 * The persons matching `where` (resolved: no `{segment}` left), as a relation
 * with columns id, properties, created_at. Event-level parts are answered by
 * one grouped scan of the events (the engine's person-filter semantics); the
 * scan reads only the events and the time window the filter can look at.
 */
export function matchingPersons(
  where: Filter | undefined,
  env: {
    readonly projectId: string;
    readonly asOf: number;
    /** Keep `properties` in the relation even when the filter does not read them. */
    readonly withProperties?: boolean;
  },
): SqlNode {
  const penv: PersonFilterEnv = {
    event: {
      scope: { eventAlias: 'e', personProperties: undefined },
      projectId: env.projectId,
      asOf: env.asOf,
      person: PERSON,
    },
    row: 'r',
  };
  const plan = planPersonFilter(where, penv);
  const persons = personsCte(env.projectId, {
    properties: env.withProperties === true || needsPersonProperties(where),
  });
  if (plan.aggregates.length === 0)
    return sql`SELECT r.id, r.properties, r.created_at FROM (${persons}) r WHERE ${plan.condition}`;
  const readsPersons = env.withProperties === true || needsPersonProperties(where);
  const scope = scanScope(where, env.asOf);
  const bounds: SqlNode[] = [sql`e.project_id = ${env.projectId}`];
  if (scope) {
    bounds.push(sql`e.timestamp > ${InstantNode.create(scope.fromMs)}`);
    bounds.push(sql`e.timestamp <= ${InstantNode.create(env.asOf)}`);
    bounds.push(
      sql`e.event IN (${join(
        scope.events.map((x) => sql`${x}`),
        ', ',
      )})`,
    );
  }
  const aggs = join(
    plan.aggregates.map((a, i) => sql`${a} AS ${text(`a${i}`)}`),
    ', ',
  );
  const cols = join(
    plan.aggregates.map((_, i) => text(`g.a${i}`)),
    ', ',
  );
  const scanWhere = join(bounds, ' AND ');
  const grouped = sql`SELECT ${PERSON} AS id, ${aggs} FROM ${EventsTableNode.create('e', scanWhere)}${OVERRIDES_JOIN} WHERE ${scanWhere} GROUP BY id`;
  // Only persons with a scanned event can match: the scan's groups are the
  // candidates, and the persons table (1M rows to hash) is not read at all.
  if (!readsPersons && where && requiresEvent(where))
    return sql`SELECT r.id, ${fn.nullJson} AS properties, ${fn.nullInstant} AS created_at FROM (${grouped}) r WHERE ${plan.condition}`;
  return sql`SELECT r.id, r.properties, r.created_at FROM (SELECT p.id, p.properties, p.created_at, ${cols} FROM (${persons}) p LEFT JOIN (${grouped}) g ON g.id = p.id) r WHERE ${plan.condition}`;
}

/**
 * Whether `f` is false for every person without a scanned event (all counts
 * zero, every event condition unmet), so only the scan's persons can match.
 * Conservative: `not`, `notPerformed`, members and person properties say no.
 */
export function requiresEvent(f: Filter): boolean {
  if ('and' in f) return f.and.some(requiresEvent);
  if ('or' in f) return f.or.length > 0 && f.or.every(requiresEvent);
  if ('performed' in f) {
    const t = f.times ?? { op: 'gte' as const, value: 1 };
    if (t.op === 'gte' || t.op === 'eq') return t.value > 0;
    if (t.op === 'gt') return t.value >= 0;
    return false;
  }
  if ('not' in f || 'notPerformed' in f || 'members' in f || 'segment' in f) return false;
  return f.on !== 'person';
}

/**
 * When the filter's event-level parts are all behavioural, the events and the
 * window they can see; undefined when some part reads any event at any time.
 */
export function scanScope(
  f: Filter | undefined,
  asOf: number,
): { events: string[]; fromMs: number } | undefined {
  const events = new Set<string>();
  let days = 0;
  let bounded = true;
  const walk = (x: Filter): void => {
    if ('and' in x) x.and.forEach(walk);
    else if ('or' in x) x.or.forEach(walk);
    else if ('not' in x) walk(x.not);
    else if ('performed' in x) {
      events.add(x.performed);
      days = Math.max(days, x.within.days);
    } else if ('notPerformed' in x) {
      events.add(x.notPerformed);
      days = Math.max(days, x.within.days);
    } else if ('property' in x && x.on !== 'person') bounded = false;
  };
  if (f) walk(f);
  if (!bounded || events.size === 0) return undefined;
  return { events: [...events].sort(), fromMs: asOf - days * 86_400_000 };
}

/** Options of the person queries: the event store's engine (default DuckDB). */
export interface PeopleOptions {
  readonly dialect?: PeopleDialect | undefined;
}

/**
 * A person id given as text, typed as the stores keep it: a UUID in DuckDB,
 * plain lower-case text in ClickHouse (which has neither a UUID column here
 * nor `::` casts).
 */
export function personIdValue(id: string, dialect: PeopleDialect | undefined): SqlNode {
  return dialect === 'clickhouse' ? sql`${id}` : sql`${id}::UUID`;
}

/**
 * `IN` for a subquery over the identity tables inside a filter of the events:
 * ClickHouse sends a Distributed table's filter to every shard, where the
 * subquery's tables would be looked up in the shard's default database, so
 * it runs the subquery once where the query came in (`GLOBAL IN`).
 */
export function inIdentitySubquery(dialect: PeopleDialect | undefined): SqlNode {
  return text(dialect === 'clickhouse' ? 'GLOBAL IN' : 'IN');
}

/** The events of one person, including those stored under persons later merged into it. */
export function personEventsWhere(
  projectId: string,
  personId: string,
  alias = 'e',
  options: PeopleOptions = {},
): SqlNode {
  const a = text(alias);
  const id = personIdValue(personId, options.dialect);
  return sql`${a}.project_id = ${projectId} AND (${a}.person_id = ${id} OR ${a}.person_id ${inIdentitySubquery(options.dialect)} (SELECT old_person_id FROM person_overrides WHERE project_id = ${projectId} AND person_id = ${id}))`;
}

/** The ids of persons merged into `personId` (column `id`). */
export function mergedIdsQuery(
  projectId: string,
  personId: string,
  options: PeopleOptions = {},
): CompiledQuery {
  return compileFor(
    options.dialect,
    sql`SELECT ${fn.toText(text('old_person_id'))} AS id FROM person_overrides WHERE project_id = ${projectId} AND person_id = ${personIdValue(personId, options.dialect)} ORDER BY id`,
  );
}

/** The events of a person given every id they were stored under (a constant list scans faster). */
export function eventsOfIds(
  projectId: string,
  ids: readonly string[],
  alias = 'e',
  options: PeopleOptions = {},
): SqlNode {
  const a = text(alias);
  return sql`${a}.project_id = ${projectId} AND ${a}.person_id IN (${join(
    ids.map((id) => personIdValue(id, options.dialect)),
    ', ',
  )})`;
}

export const compileDuckDb = (node: SqlNode): CompiledQuery => new DuckDbCompiler().compile(node);

/** The engines whose SQL these queries can be compiled to. */
export type PeopleDialect = 'duckdb' | 'clickhouse';

export const compileFor = (dialect: PeopleDialect | undefined, node: SqlNode): CompiledQuery =>
  dialect === 'clickhouse' ? new ClickHouseCompiler().compile(node) : compileDuckDb(node);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Person ids are UUIDs; anything else names no person (and would fail the cast). */
export const isPersonId = (s: string): boolean => UUID.test(s);

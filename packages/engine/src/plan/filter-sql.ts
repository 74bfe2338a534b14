import type { Filter, PropertyCondition } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import {
  EventsTableNode,
  InstantNode,
  MergedPersonNode,
  OverridesJoinNode,
  type SqlNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { QueryPlanError } from './context.js';
import { asDouble, type PropertyScope, propertyText } from './properties.js';

export interface FilterEnv {
  readonly scope: PropertyScope;
  readonly projectId: string;
  /** Epoch ms that behavioural `within` counts back from. */
  readonly asOf: number;
  /** SQL of the current row's (merged) person id. */
  readonly person: SqlNode;
}

const TRUE = fn.true;

/** A condition of a Filter: what remains once `and`, `or` and `not` are taken apart. */
type FilterLeaf = Exclude<Filter, { and: unknown } | { or: unknown } | { not: unknown }>;

/** Whether some condition of the filter, at any depth, passes `test`. */
function someLeaf(f: Filter | undefined, test: (leaf: FilterLeaf) => boolean): boolean {
  if (!f) return false;
  if ('and' in f) return f.and.some((x) => someLeaf(x, test));
  if ('or' in f) return f.or.some((x) => someLeaf(x, test));
  if ('not' in f) return someLeaf(f.not, test);
  return test(f);
}

/** Whether the filter reads person properties anywhere (so the planner joins persons). */
export function needsPersonProperties(f: Filter | undefined): boolean {
  return someLeaf(f, (leaf) => 'property' in leaf && leaf.on === 'person');
}

/**
 * Whether the filter reads anything of a row's person (person properties,
 * segment members, what the person did), so rows need their merged person;
 * event-property conditions alone do not.
 */
export function filterReadsPerson(f: Filter | undefined): boolean {
  return someLeaf(f, (leaf) => !('property' in leaf) || leaf.on === 'person');
}

/** A Filter as a boolean SQL expression; `path` names the field for errors. */
export function filterSql(f: Filter | undefined, env: FilterEnv, path = 'filters'): SqlNode {
  if (!f) return TRUE;
  if ('and' in f) {
    if (f.and.length === 0) return TRUE;
    return sql`(${join(
      f.and.map((x, i) => filterSql(x, env, `${path}.and.${i}`)),
      ' AND ',
    )})`;
  }
  if ('or' in f) {
    if (f.or.length === 0) return fn.false;
    return sql`(${join(
      f.or.map((x, i) => filterSql(x, env, `${path}.or.${i}`)),
      ' OR ',
    )})`;
  }
  if ('not' in f) return sql`(NOT coalesce(${filterSql(f.not, env, `${path}.not`)}, ${fn.false}))`;
  if ('segment' in f) throw new QueryPlanError(`${path}.segment`, `unknown segment "${f.segment}"`);
  if ('members' in f) return membersSql(f.members.personIds, env.person);
  if ('performed' in f) {
    const t = f.times ?? { op: 'gte' as const, value: 1 };
    const admitsZero = compare(0, t.op, t.value);
    const inner = performedPersons(env, f.performed, f.within.days, f.where, `${path}.where`);
    const cmp = sql`count(*) ${text(OPS[t.op])} ${t.value}`;
    // A count of zero never appears in a GROUP BY, so conditions that admit zero are negated.
    return admitsZero
      ? sql`(${env.person} NOT IN (${inner} HAVING NOT (${cmp})))`
      : sql`(${env.person} IN (${inner} HAVING ${cmp}))`;
  }
  if ('notPerformed' in f) {
    const inner = performedPersons(env, f.notPerformed, f.within.days, undefined, path);
    return sql`(${env.person} NOT IN (${inner}))`;
  }
  return propertySql(f, env.scope);
}

/** Membership in a static segment's ids; a semi-join keeps large lists cheap. */
export function membersSql(personIds: readonly string[], person: SqlNode): SqlNode {
  if (personIds.length === 0) return fn.false;
  return sql`(${fn.inList(sql`${personIds}`, person)})`;
}

const OPS = { eq: '=', gte: '>=', lte: '<=', gt: '>', lt: '<' } as const;

export function compare(n: number, op: keyof typeof OPS, v: number): boolean {
  switch (op) {
    case 'eq':
      return n === v;
    case 'gte':
      return n >= v;
    case 'lte':
      return n <= v;
    case 'gt':
      return n > v;
    case 'lt':
      return n < v;
    default: {
      const never: never = op;
      throw new Error(`unknown op ${String(never)}`);
    }
  }
}

function performedPersons(
  env: FilterEnv,
  event: string,
  days: number,
  where: Filter | undefined,
  path: string,
): SqlNode {
  const from = InstantNode.create(env.asOf - days * 86_400_000);
  const to = InstantNode.create(env.asOf);
  const inner: FilterEnv = {
    ...env,
    scope: { eventAlias: 'b', personProperties: undefined },
    person: MergedPersonNode.create('b', 'bo'),
  };
  if (needsPersonProperties(where))
    throw new QueryPlanError(path, 'a behavioural "where" can only use event properties');
  const scan = sql`b.project_id = ${env.projectId} AND b.event = ${event} AND b.timestamp > ${from} AND b.timestamp <= ${to}`;
  // Grouped by name: ClickHouse has no `GROUP BY 1`.
  return sql`SELECT ${inner.person} AS pid FROM ${EventsTableNode.create('b', scan)}${OverridesJoinNode.create('b', 'bo')} WHERE ${scan} AND coalesce(${filterSql(where, inner, path)}, ${fn.false}) GROUP BY pid`;
}

function propertySql(c: PropertyCondition, scope: PropertyScope): SqlNode {
  const x = propertyText(scope, c.on, c.property);
  const v = c.value;
  switch (c.op) {
    case 'eq':
    case 'neq': {
      const eq =
        typeof v === 'number'
          ? sql`${asDouble(x)} = ${v}`
          : sql`${x} = ${typeof v === 'boolean' ? String(v) : String(v)}`;
      return c.op === 'eq'
        ? sql`coalesce(${eq}, ${fn.false})`
        : sql`(NOT coalesce(${eq}, ${fn.false}))`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
      return sql`coalesce(${asDouble(x)} ${text(op)} ${Number(v)}, ${fn.false})`;
    }
    case 'contains':
      return sql`coalesce(${fn.containsText(x, sql`${String(v).toLowerCase()}`)}, ${fn.false})`;
    case 'not_contains':
      return sql`(NOT coalesce(${fn.containsText(x, sql`${String(v).toLowerCase()}`)}, ${fn.false}))`;
    case 'regex':
      return sql`coalesce(${fn.regexMatch(x, sql`${String(v)}`)}, ${fn.false})`;
    case 'in':
    case 'not_in': {
      const list = Array.isArray(v) ? v : [];
      const isIn =
        list.length === 0
          ? fn.false
          : sql`coalesce(${x} IN (${join(
              list.map((s) => sql`${s}`),
              ', ',
            )}), ${fn.false})`;
      return c.op === 'in' ? isIn : sql`(NOT ${isIn})`;
    }
    case 'is_set':
      return sql`(${x} IS NOT NULL)`;
    case 'is_not_set':
      return sql`(${x} IS NULL)`;
    default: {
      const never: never = c.op;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}

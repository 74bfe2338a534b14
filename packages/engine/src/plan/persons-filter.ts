import type { Filter } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import { InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { QueryPlanError } from './context.js';
import { type FilterEnv, filterSql, membersSql, needsPersonProperties } from './filter-sql.js';

/**
 * A Filter over persons, split for one grouped scan of the events: every
 * event-level part (an event-property condition, a `performed` or
 * `notPerformed` count) becomes an aggregate column `a<i>` of the per-person
 * scan, and `condition` combines those columns with person properties.
 */
export interface PersonFilterPlan {
  /** Aggregates over the person's events (alias `e`), named `a0`, `a1`, … */
  readonly aggregates: readonly SqlNode[];
  /** Boolean per person, reading `<row>.a<i>`, `<row>.properties` and `<row>.id`. */
  readonly condition: SqlNode;
}

export interface PersonFilterEnv {
  /** Scope of one event row of the scan (alias `e`, merged person). */
  readonly event: FilterEnv;
  /** Alias of the per-person row in `condition`. */
  readonly row: string;
}

/**
 * Splits `where` for the per-person scan. An event-property condition on a
 * person means "has at least one event (any name, any time) satisfying it";
 * `performed`/`notPerformed` count the person's events in `(asOf − days, asOf]`.
 */
export function planPersonFilter(
  where: Filter | undefined,
  env: PersonFilterEnv,
): PersonFilterPlan {
  const aggregates: SqlNode[] = [];
  const column = (agg: SqlNode): SqlNode => {
    aggregates.push(agg);
    return text(`${env.row}.a${aggregates.length - 1}`);
  };
  const personScope: FilterEnv = {
    ...env.event,
    scope: {
      eventAlias: env.event.scope.eventAlias,
      personProperties: text(`${env.row}.properties`),
    },
    person: text(`${env.row}.id`),
  };
  const countIn = (event: string, days: number, f: Filter | undefined, path: string): SqlNode => {
    if (needsPersonProperties(f))
      throw new QueryPlanError(path, 'a behavioural "where" can only use event properties');
    const from = InstantNode.create(env.event.asOf - days * 86_400_000);
    const to = InstantNode.create(env.event.asOf);
    const cond = f ? sql` AND coalesce(${filterSql(f, env.event, path)}, ${fn.false})` : text('');
    return column(
      fn.countIf(sql`e.event = ${event} AND e.timestamp > ${from} AND e.timestamp <= ${to}${cond}`),
    );
  };

  const walk = (f: Filter, path: string): SqlNode => {
    if ('and' in f)
      return f.and.length === 0
        ? fn.true
        : sql`(${join(
            f.and.map((x, i) => walk(x, `${path}.and.${i}`)),
            ' AND ',
          )})`;
    if ('or' in f)
      return f.or.length === 0
        ? fn.false
        : sql`(${join(
            f.or.map((x, i) => walk(x, `${path}.or.${i}`)),
            ' OR ',
          )})`;
    if ('not' in f) return sql`(NOT ${walk(f.not, `${path}.not`)})`;
    if ('segment' in f)
      throw new QueryPlanError(`${path}.segment`, `unknown segment "${f.segment}"`);
    if ('members' in f) return membersSql(f.members.personIds, personScope.person);
    if ('performed' in f) {
      const t = f.times ?? { op: 'gte' as const, value: 1 };
      const n = countIn(f.performed, f.within.days, f.where, `${path}.where`);
      return sql`(coalesce(${n}, 0) ${text(CMP[t.op])} ${t.value})`;
    }
    if ('notPerformed' in f)
      return sql`(coalesce(${countIn(f.notPerformed, f.within.days, undefined, path)}, 0) = 0)`;
    if (f.on === 'person') return sql`coalesce(${filterSql(f, personScope, path)}, ${fn.false})`;
    const any = column(fn.boolOr(sql`coalesce(${filterSql(f, env.event, path)}, ${fn.false})`));
    return sql`coalesce(${any}, ${fn.false})`;
  };
  const condition = where ? walk(where, 'where') : fn.true;
  return { aggregates, condition };
}

const CMP = { eq: '=', gte: '>=', lte: '<=', gt: '>', lt: '<' } as const;

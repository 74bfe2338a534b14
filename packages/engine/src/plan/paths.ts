import type { PathsQuery, PathsResult } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import { resolveRange } from '../time/date-range.js';
import { UNIT_MS } from '../time/units.js';
import { adapterOf, type PlanContext } from './context.js';
import { filterSql } from './filter-sql.js';
import { field, num, type Plan, type Row, str } from './plan.js';
import { eventsSource, PERSON } from './source.js';

/**
 * Paths. Per person, the anchor is their first `start` event in the range
 * (`after`) or their last `end` event in it (`before`); the path is the
 * anchor and the person's next (previous) events within `window` of it, in
 * time order (ties by uuid), consecutive repeats merged when asked, cut at
 * `steps` steps. Every event counted passes the query `filters`.
 */
export function planPaths(q: PathsQuery, ctx: PlanContext): Plan<PathsResult> {
  const range = resolveRange(q.dateRange, ctx.timezone);
  const after = q.start !== undefined;
  const anchor = q.start ?? q.end;
  if (!anchor) throw new Error('paths need start or end');
  const W = q.window.value * UNIT_MS[q.window.unit];
  const src = eventsSource({
    ctx,
    fromMs: after ? range.fromMs : Math.max(0, range.fromMs - W),
    toMs: after ? range.toMs + W : range.toMs,
    filters: q.filters,
    personProperties: false,
    columns: (scope) => ({
      person: PERSON,
      t: EpochMsNode.create(text('e.timestamp')),
      u: fn.toText(text('e.uuid')),
      event: text('e.event'),
      anchor: sql`(e.event = ${anchor.event} AND e.timestamp >= ${inst(range.fromMs)} AND e.timestamp < ${inst(range.toMs)} AND coalesce(${filterSql(anchor.filters, { scope, projectId: ctx.projectId, asOf: ctx.now, person: PERSON }, after ? 'start.filters' : 'end.filters')}, ${fn.false}))`,
    }),
  });
  if (!adapterOf(ctx).hasWindowFunctions)
    return {
      root: pathsWithArrays(q, src, { after, windowMs: W }),
      shape: (rows) => shapePaths(q, rows),
    };
  const dir = text(after ? 'ASC' : 'DESC');
  const order = sql`t ${dir}, u ${dir}`;
  const within = after
    ? sql`(s.t > a.at OR (s.t = a.at AND s.u >= a.au)) AND s.t <= a.at + ${W}`
    : sql`(s.t < a.at OR (s.t = a.at AND s.u <= a.au)) AND s.t >= a.at - ${W}`;
  const collapse = q.collapseRepeats ? text('WHERE prev IS NULL OR prev <> event') : text('');
  const root = sql`WITH s AS (${src}), a AS (SELECT person, t AS at, u AS au FROM (SELECT person, t, u, row_number() OVER (PARTITION BY person ORDER BY ${order}) AS rn FROM s WHERE anchor) x WHERE rn = 1), seq AS (SELECT s.person, s.event, s.t, s.u, lag(s.event) OVER (PARTITION BY s.person ORDER BY ${order}) AS prev FROM s JOIN a ON a.person = s.person WHERE ${within}), k AS (SELECT person, event, row_number() OVER (PARTITION BY person ORDER BY ${order}) - 1 AS step FROM seq ${collapse}), l AS (SELECT step, event, lead(event) OVER (PARTITION BY person ORDER BY step) AS next FROM k WHERE step <= ${q.steps}) SELECT step, event, next, count(*) AS n FROM l GROUP BY 1, 2, 3`;
  return { root, shape: (rows) => shapePaths(q, rows) };
}

const inst = (ms: number) => InstantNode.create(ms);

/**
 * The same edges without window functions: each person's events as one
 * array sorted by (t, u) (reversed for `before`), cut from the anchor to the
 * window's end, repeats dropped, the first `steps + 1` kept, then one row per
 * step with its successor.
 */
function pathsWithArrays(
  q: PathsQuery,
  src: SqlNode,
  o: { readonly after: boolean; readonly windowMs: number },
): SqlNode {
  const sorted = text('arraySort(x -> (x.1, x.2), groupArray((t, u, event, anchor)))');
  const evs = o.after ? sorted : sql`arrayReverse(${sorted})`;
  // The window's bound reaches the lambda as an array argument: 18.16 prunes
  // subquery columns that only a lambda reads.
  const bound = text(o.after ? `at + ${o.windowMs}` : `at - ${o.windowMs}`);
  const cmp = text(o.after ? '<=' : '>=');
  const names = sql`arrayMap(x -> x.3, arrayFilter((x, lim) -> x.1 ${cmp} lim, arraySlice(evs, ai), replicate(${bound}, arraySlice(evs, ai))))`;
  const path = q.collapseRepeats
    ? text(
        "arrayFilter((x, prev, i) -> i = 1 OR x != prev, names, arrayPushFront(arrayPopBack(names), ''), arrayEnumerate(names))",
      )
    : text('names');
  const people = sql`SELECT ${evs} AS evs, arrayFirstIndex(x -> x.4 = 1, evs) AS ai, evs[ai].1 AS at FROM (${src}) s GROUP BY person HAVING ai > 0`;
  const paths = sql`SELECT arraySlice(${path}, 1, ${text(String(q.steps + 1))}) AS p FROM (SELECT ${names} AS names FROM (${people}))`;
  return sql`SELECT step, event, next, count() AS n FROM (SELECT i - 1 AS step, p[i] AS event, if(i < length(p), p[i + 1], NULL) AS next FROM (${paths}) ARRAY JOIN arrayEnumerate(p) AS i) GROUP BY step, event, next`;
}

/** One step of one person's path: `step`, its `event` and the `next` one (null at the end). */
export interface PathEdge {
  readonly step: number;
  readonly event: string;
  readonly next: string | null;
  readonly n: number;
}

/** Nodes and the `limit` most travelled links (ties by ids); nodes are those links touch and the anchor. */
export function pathsResult(q: PathsQuery, edges: readonly PathEdge[]): PathsResult {
  const id = (step: number, event: string) => `${step}:${event}`;
  const nodes = new Map<string, { id: string; step: number; event: string; count: number }>();
  const links = new Map<string, { source: string; target: string; count: number }>();
  for (const e of edges) {
    const nid = id(e.step, e.event);
    const node = nodes.get(nid) ?? { id: nid, step: e.step, event: e.event, count: 0 };
    node.count += e.n;
    nodes.set(nid, node);
    if (e.next === null) continue;
    const target = id(e.step + 1, e.next);
    const key = `${nid}\u0000${target}`;
    const link = links.get(key) ?? { source: nid, target, count: 0 };
    link.count += e.n;
    links.set(key, link);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const kept = [...links.values()]
    .sort((a, b) => b.count - a.count || cmp(a.source, b.source) || cmp(a.target, b.target))
    .slice(0, q.limit);
  const used = new Set(kept.flatMap((l) => [l.source, l.target]));
  return {
    nodes: [...nodes.values()]
      .filter((n) => n.step === 0 || used.has(n.id))
      .sort((a, b) => a.step - b.step || b.count - a.count || cmp(a.event, b.event)),
    links: kept,
  };
}

function shapePaths(q: PathsQuery, rows: readonly Row[]): PathsResult {
  return pathsResult(
    q,
    rows.map((r) => ({
      step: num(field(r, 'step')) ?? 0,
      event: str(field(r, 'event')) ?? '',
      next: str(field(r, 'next')),
      n: num(field(r, 'n')) ?? 0,
    })),
  );
}

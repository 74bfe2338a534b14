import type { LifecycleQuery, LifecycleResult } from '@opsloop/schema';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  InstantNode,
  LocalDateTimeNode,
  LocalTimeNode,
  ShiftLocalNode,
  type SqlNode,
  TimeBucketNode,
  WithNode,
} from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import {
  bucketLabel,
  bucketStarts,
  previousRange,
  type ResolvedRange,
  resolveRange,
} from '../time/date-range.js';
import { addNaive, fromLocalNaive, naiveSqlText } from '../time/zoned.js';
import { planBothPeriods } from './compare.js';
import { adapterOf, type PlanContext } from './context.js';
import { filterReadsPerson } from './filter-sql.js';
import { gridOf, gridSlot, lifecycleByGrid } from './lifecycle-grid.js';
import { lifecycleByMasks, lifecycleMasksFit } from './lifecycle-masks.js';
import { checkBuckets, field, num, type Plan, type Row, str } from './plan.js';
import { eventsSource, PERSON } from './source.js';

/**
 * Lifecycle: per interval of the range, the persons active in it (did the
 * event) split into new (their first-ever active interval), returning (also
 * active in the previous interval) and resurrecting (not in the previous one,
 * but before); dormant are those active in the previous interval and not in
 * this one, reported negative. Activity before the range counts as history.
 */
export function planLifecycle(
  q: LifecycleQuery,
  ctx: PlanContext,
  range: ResolvedRange = resolveRange(q.dateRange, ctx.timezone),
): Plan<LifecycleResult> {
  const tz = ctx.timezone;
  const ranges = q.compare ? [range, previousRange(range, tz)] : [range];
  const masks = planLifecycleMasks(q, ctx, ranges);
  if (masks) return masks;
  if (q.compare)
    return planBothPeriods(
      ctx,
      range,
      (r) => planLifecycle({ ...q, compare: false }, ctx, r),
      (current, previous) => ({ ...current, previous: { intervals: previous.intervals } }),
    );
  const starts = bucketStarts(range, q.interval, tz);
  checkBuckets(starts.length);
  const { historyStart, historyEnd } = historyOf(starts, q.interval, tz);
  const history = LocalDateTimeNode.create(naiveSqlText(historyStart));
  const local = LocalTimeNode.create(text('e.timestamp'), tz, {
    fromMs: historyEnd,
    toMs: range.toMs,
  });
  const src = eventsSource({
    ctx,
    fromMs: 0,
    toMs: range.toMs,
    events: [q.event],
    filters: q.filters,
    personProperties: false,
    columns: () => ({
      person: PERSON,
      b: sql`CASE WHEN e.timestamp < ${InstantNode.create(historyEnd)} THEN ${history} ELSE ${TimeBucketNode.create(q.interval, local)} END`,
    }),
  });
  const lo = LocalDateTimeNode.create(naiveSqlText(starts[0] ?? 0));
  const hi = LocalDateTimeNode.create(naiveSqlText(starts.at(-1) ?? 0));
  const ms = (n: SqlNode) => EpochMsNode.create(n);
  const shift = (n: SqlNode, by: number) => ShiftLocalNode.create(n, q.interval, by);
  const prev = shift(text('x.b'), -1);
  const next = shift(text('a.b'), 1);
  // One join per SELECT (ClickHouse 18.16 allows no more); an unmatched
  // right side is told by its `hit` column, never by a join key (ClickHouse
  // fills unmatched keys from the left).
  const root = WithNode.create(
    [
      { name: 'a', query: sql`SELECT DISTINCT person, b FROM (${src}) s` },
      {
        name: 'f',
        query: sql`SELECT a.person AS person, a.b AS b, (a.b = m.first) AS is_first FROM ${cte('a')} JOIN (SELECT person, min(b) AS first FROM ${cte('a')} GROUP BY person) m ON m.person = a.person`,
      },
      { name: 'h', query: sql`SELECT person, b, 1 AS hit FROM ${cte('a')}` },
    ],
    sql`SELECT ${ms(text('x.b'))} AS bucket, CASE WHEN x.is_first THEN 'new' WHEN p.hit IS NOT NULL THEN 'returning' ELSE 'resurrecting' END AS status, count(*) AS n FROM ${cte('f', 'x')} LEFT JOIN ${cte('h', 'p')} ON p.person = x.person AND p.b = ${prev} WHERE x.b >= ${lo} AND x.b <= ${hi} GROUP BY bucket, status UNION ALL SELECT ${ms(next)} AS bucket, 'dormant' AS status, count(*) AS n FROM ${cte('a')} LEFT JOIN ${cte('h', 'nx')} ON nx.person = a.person AND nx.b = ${next} WHERE nx.hit IS NULL AND ${next} >= ${lo} AND ${next} <= ${hi} GROUP BY bucket, status`,
  );
  return {
    root,
    shape: (rows) => {
      const by = new Map<string, number>();
      for (const r of rows)
        by.set(`${num(field(r, 'bucket'))}|${str(field(r, 'status'))}`, num(field(r, 'n')) ?? 0);
      const at = (b: number, s: string) => by.get(`${b}|${s}`) ?? 0;
      return {
        intervals: starts.map((b) => ({
          date: bucketLabel(b, q.interval),
          new: at(b, 'new'),
          returning: at(b, 'returning'),
          resurrecting: at(b, 'resurrecting'),
          dormant: 0 - at(b, 'dormant'), // 0 - x: -x gives -0 when nobody left
        })),
      };
    },
  };
}

/**
 * History before the interval preceding the range only tells "seen before":
 * it all goes to one bucket two intervals before the range (from
 * `historyStart`, naive), so it is neither converted to local time event by
 * event nor kept as a bucket per interval; `historyEnd` is the instant the
 * interval before the range starts.
 */
function historyOf(
  starts: readonly number[],
  interval: LifecycleQuery['interval'],
  tz: string,
): { historyStart: number; before: number; historyEnd: number } {
  const first = starts[0] ?? 0;
  const before = addNaive(first, interval, -1);
  return {
    historyStart: addNaive(first, interval, -2),
    before,
    historyEnd: fromLocalNaive(before, tz),
  };
}

/**
 * Lifecycle of each range (the query's, and with `compare` the previous one)
 * from bucket masks, in one scan: per range, the events up to its end placed
 * in its buckets (see {@link lifecycleByMasks}). Null when the masks would not
 * fit. Only the person is read as a group key, so rows keep their stored
 * person and merges are folded in after, unless a filter reads the person.
 */
function planLifecycleMasks(
  q: LifecycleQuery,
  ctx: PlanContext,
  ranges: readonly ResolvedRange[],
): Plan<LifecycleResult> | null {
  const tz = ctx.timezone;
  const periods = ranges.map((r) => {
    const starts = bucketStarts(r, q.interval, tz);
    checkBuckets(starts.length);
    const history = historyOf(starts, q.interval, tz);
    return {
      range: r,
      starts,
      ...history,
      slots: [history.historyStart, history.before, ...starts],
    };
  });
  if (!periods.every((p) => lifecycleMasksFit(q.interval, p.slots))) return null;
  const toMs = Math.max(...ranges.map((r) => r.toMs));
  const local = LocalTimeNode.create(text('e.timestamp'), tz, {
    fromMs: Math.min(...periods.map((p) => p.historyEnd)),
    toMs,
  });
  const fold = !filterReadsPerson(q.filters);
  const source = (columns: Readonly<Record<string, SqlNode>>) =>
    eventsSource({
      ctx,
      fromMs: 0,
      toMs,
      events: [q.event],
      filters: q.filters,
      personProperties: false,
      storedPersons: fold,
      columns: () => ({
        ...(fold ? { person_id: text('e.person_id') } : { person: PERSON }),
        ...columns,
      }),
    });
  const grid = periods.length > 1 ? gridOf(q.interval, periods, toMs, tz) : null;
  if (grid) {
    const historyEnd = Math.min(...periods.map((p) => p.historyEnd));
    return {
      root: lifecycleByGrid(
        source({ slot: gridSlot(grid, text('e.timestamp'), local, historyEnd) }),
        grid.periods,
        grid.tails,
        fold ? { projectId: ctx.projectId, adapter: adapterOf(ctx) } : undefined,
      ),
      shape: (rows) => shapeMasks(rows, periods, q.interval),
    };
  }
  const src = source(
    Object.fromEntries(
      periods.flatMap((p, k) => [
        [
          `l${k}`,
          sql`CASE WHEN e.timestamp < ${InstantNode.create(p.historyEnd)} THEN ${fn.bigint(p.historyStart)} ELSE ${EpochMsNode.create(local)} END`,
        ],
        // A range ending before the scan does reads only its own events.
        ...(p.range.toMs < toMs
          ? [[`w${k}`, sql`e.timestamp < ${InstantNode.create(p.range.toMs)}`]]
          : []),
      ]),
    ),
  );
  const root = lifecycleByMasks(
    src,
    q.interval,
    periods.map((p, k) => ({
      slots: p.slots,
      local: `l${k}`,
      when: p.range.toMs < toMs ? `w${k}` : undefined,
    })),
    fold ? { projectId: ctx.projectId, adapter: adapterOf(ctx) } : undefined,
  );
  if (!root) return null;
  return { root, shape: (rows) => shapeMasks(rows, periods, q.interval) };
}

/** The one row of the mask plans (`<status>_<period>_<bucket>`) as intervals per period. */
function shapeMasks(
  rows: readonly Row[],
  periods: readonly { readonly starts: readonly number[] }[],
  interval: LifecycleQuery['interval'],
): LifecycleResult {
  const row = rows[0];
  const n = (name: string) => (row ? (num(field(row, name)) ?? 0) : 0);
  const [current, previous] = periods.map((p, k) => ({
    intervals: p.starts.map((b, i) => ({
      date: bucketLabel(b, interval),
      new: n(`new_${k}_${i}`),
      returning: n(`returning_${k}_${i}`),
      resurrecting: n(`resurrecting_${k}_${i}`),
      dormant: 0 - n(`dormant_${k}_${i}`), // 0 - x: -x gives -0 when nobody left
    })),
  }));
  return { intervals: current?.intervals ?? [], ...(previous ? { previous } : {}) };
}

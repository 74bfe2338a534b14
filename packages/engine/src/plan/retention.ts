import type { RetentionQuery, RetentionResult } from '@opsloop/schema';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  InstantNode,
  LocalTimeNode,
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
import { addNaive, fromLocalNaive } from '../time/zoned.js';
import { adapterOf, type PlanContext, QueryPlanError } from './context.js';
import { filterReadsPerson } from './filter-sql.js';
import { checkBuckets, field, num, type Plan, type Row } from './plan.js';
import { andFilters, eventsSource, PERSON } from './source.js';

/** Index of bucket `b` counted from bucket `a` (both naive starts). */
export function periodsBetween(a: number, b: number, unit: 'day' | 'week' | 'month'): number {
  if (unit === 'month') {
    const da = new Date(a);
    const db = new Date(b);
    return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  }
  return Math.round((b - a) / (unit === 'day' ? 86_400_000 : 604_800_000));
}

/**
 * Retention. first_time: a person's cohort is the period of their first-ever
 * start event, listed when that event lies in the date range. recurring: every
 * period of the range in which they did the start event. values[i] counts
 * cohort persons with a return event in period cohort+i; values[0] is the size.
 *
 * With `compare`, one statement answers the range and the one of the same
 * length before it: the start events are scanned once (first-time cohorts
 * read all history, the larger part of the cost), and each cohort row carries
 * the period `k` it belongs to (0 the range, 1 the previous one).
 */
export function planRetention(
  q: RetentionQuery,
  ctx: PlanContext,
  range: ResolvedRange = resolveRange(q.dateRange, ctx.timezone),
): Plan<RetentionResult> {
  if (q.breakdown) throw new QueryPlanError('breakdown', 'retention has no breakdown yet');
  const tz = ctx.timezone;
  const periods = (q.compare ? [range, previousRange(range, tz)] : [range]).map((r) => {
    const cohorts = bucketStarts(r, q.period, tz);
    checkBuckets(cohorts.length * q.periods);
    const endMs = fromLocalNaive(addNaive(cohorts.at(-1) ?? 0, q.period, q.periods), tz);
    return { range: r, cohorts, retEnd: Math.max(endMs, r.toMs) };
  });
  const fromMs = Math.min(...periods.map((p) => p.range.fromMs));
  const retEnd = Math.max(...periods.map((p) => p.retEnd));
  // Exact everywhere; fast over the periods the query reports.
  const bucketOf = (instant: SqlNode) =>
    EpochMsNode.create(
      TimeBucketNode.create(q.period, LocalTimeNode.create(instant, tz, { fromMs, toMs: retEnd })),
    );
  const bucket = bucketOf(text('e.timestamp'));
  const columns = () => ({ person: PERSON, ts: text('e.timestamp'), b: bucket });
  const firstTime = q.retentionType === 'first_time';
  const start = eventsSource({
    ctx,
    fromMs: firstTime ? 0 : fromMs,
    toMs: range.toMs,
    events: [q.startEvent.event],
    filters: andFilters(q.filters, q.startEvent.filters),
    personProperties: false,
    columns,
  });
  const retFilters = andFilters(q.filters, q.returnEvent.filters);
  // Return events keep their stored person where the engine joins CTEs and no
  // filter reads the person: the cohorts are expanded to the stored ids of
  // their persons instead (a few percent more rows), so the many return
  // events skip the overrides join and meet only the cohorts' hash table.
  const byStored = adapterOf(ctx).sharesWithTables && !filterReadsPerson(retFilters);
  const ret = eventsSource({
    ctx,
    fromMs,
    toMs: retEnd,
    events: [q.returnEvent.event],
    filters: retFilters,
    personProperties: false,
    storedPersons: byStored,
    columns: byStored
      ? () => ({ person_id: text('e.person_id'), ts: text('e.timestamp'), b: bucket })
      : columns,
  });
  // The period of a cohort's start event (ranges are adjacent, the current one last).
  const periodOf = (ts: SqlNode) =>
    periods.length === 1
      ? text('0')
      : sql`CASE WHEN ${ts} >= ${InstantNode.create(range.fromMs)} THEN 0 ELSE 1 END`;
  // First-time cohorts bucket each person's first start event only: the
  // earlier history is read for its minimum, never converted to local time.
  const cohortSql = firstTime
    ? sql`SELECT person, ${bucketOf(text('first'))} AS cohort, ${periodOf(text('first'))} AS k FROM (SELECT person, min(ts) AS first FROM (${start}) s GROUP BY person HAVING min(ts) >= ${InstantNode.create(fromMs)}) f`
    : sql`SELECT DISTINCT person, b AS cohort, ${periodOf(text('ts'))} AS k FROM (${start}) s`;
  // Each period counts return events up to its own end, as it would alone.
  const retBound =
    periods.length === 1
      ? fn.true
      : sql`x.ts < CASE WHEN c.k = 0 THEN ${InstantNode.create(periods[0]?.retEnd ?? 0)} ELSE ${InstantNode.create(periods[1]?.retEnd ?? 0)} END`;
  // Return events join the (small) cohorts before anything is made distinct:
  // most return events belong to persons outside every cohort and drop out in
  // the join probe instead of filling a DISTINCT over all (person, period) pairs.
  // The join is on equality only (ClickHouse allows no other); later periods are a WHERE.
  const sizes = sql`SELECT k, cohort, ${fn.nullBigint} AS ret, count(*) AS n FROM ${cte('c')} GROUP BY k, cohort`;
  // `who`: the left side's person where it has one (ClickHouse 18.16 dies on
  // some distinct counts of a right-side column).
  const returns = (cohorts: SqlNode, on: string, who: string) =>
    sql`SELECT c.k AS k, c.cohort AS cohort, x.b AS ret, ${fn.countDistinct(text(who))} AS n FROM (${ret}) x JOIN ${cohorts} ON ${text(on)} WHERE x.b > c.cohort AND ${retBound} GROUP BY c.k, c.cohort, x.b`;
  // Overrides are flat (old → current), so a current person's stored ids are
  // their own and the old ids pointing at them, and no other person's.
  const storedIds = sql`SELECT person, cohort, k, person AS person_id FROM ${cte('c')} UNION ALL SELECT c.person, c.cohort, c.k, o.old_person_id FROM ${cte('c')} JOIN person_overrides o ON o.project_id = ${ctx.projectId} AND o.person_id = c.person`;
  const root = byStored
    ? WithNode.create(
        [
          { name: 'c', query: cohortSql },
          { name: 'cs', query: storedIds },
        ],
        sql`${sizes} UNION ALL ${returns(cte('cs', 'c'), 'x.person_id = c.person_id', 'c.person')}`,
      )
    : WithNode.create(
        [{ name: 'c', query: cohortSql }],
        sql`${sizes} UNION ALL ${returns(cte('c'), 'x.person = c.person', 'x.person')}`,
      );
  return {
    root,
    shape: (rows) => {
      const [current, previous] = periods.map((p, k) =>
        cohortsOf(
          q,
          p.cohorts,
          rows.filter((r) => num(field(r, 'k')) === k),
        ),
      );
      return previous
        ? { cohorts: current ?? [], previous: { cohorts: previous } }
        : { cohorts: current ?? [] };
    },
  };
}

/** One period's cohorts from its rows (`cohort`, `ret` null for the size, `n`). */
function cohortsOf(
  q: RetentionQuery,
  cohorts: readonly number[],
  rows: readonly Row[],
): RetentionResult['cohorts'] {
  const values = new Map<number, number[]>(cohorts.map((c) => [c, new Array(q.periods).fill(0)]));
  for (const r of rows) {
    const c = num(field(r, 'cohort'));
    const v = c === null ? undefined : values.get(c);
    if (c === null || !v) continue;
    const retB = num(field(r, 'ret'));
    const i = retB === null ? 0 : periodsBetween(c, retB, q.period);
    if (i >= 0 && i < q.periods) v[i] = num(field(r, 'n')) ?? 0;
  }
  return cohorts.map((c) => {
    const v = values.get(c) ?? [];
    return { date: bucketLabel(c, q.period), size: v[0] ?? 0, values: v };
  });
}

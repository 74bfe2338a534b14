import type { RetentionQuery, RetentionResult } from '@opsloop/schema';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  InstantNode,
  LocalTimeNode,
  TimeBucketNode,
  WithNode,
} from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import {
  bucketLabel,
  bucketStarts,
  type ResolvedRange,
  resolveRange,
} from '../time/date-range.js';
import { planBothPeriods } from './compare.js';
import { addNaive, fromLocalNaive } from '../time/zoned.js';
import { type PlanContext, QueryPlanError } from './context.js';
import { checkBuckets, field, num, type Plan } from './plan.js';
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
 */
export function planRetention(
  q: RetentionQuery,
  ctx: PlanContext,
  range: ResolvedRange = resolveRange(q.dateRange, ctx.timezone),
): Plan<RetentionResult> {
  if (q.breakdown) throw new QueryPlanError('breakdown', 'retention has no breakdown yet');
  if (q.compare)
    return planBothPeriods(
      ctx,
      range,
      (r) => planRetention({ ...q, compare: false }, ctx, r),
      (current, previous) => ({ ...current, previous: { cohorts: previous.cohorts } }),
    );
  const tz = ctx.timezone;
  const cohorts = bucketStarts(range, q.period, tz);
  checkBuckets(cohorts.length * q.periods);
  const endMs = fromLocalNaive(addNaive(cohorts.at(-1) ?? 0, q.period, q.periods), tz);
  // Exact everywhere; fast over the periods the query reports (first-time
  // cohorts also scan earlier history, whose rows convert through the zone).
  const bucket = EpochMsNode.create(
    TimeBucketNode.create(
      q.period,
      LocalTimeNode.create(text('e.timestamp'), tz, {
        fromMs: range.fromMs,
        toMs: Math.max(endMs, range.toMs),
      }),
    ),
  );
  const columns = () => ({ person: PERSON, ts: text('e.timestamp'), b: bucket });
  const firstTime = q.retentionType === 'first_time';
  const start = eventsSource({
    ctx,
    fromMs: firstTime ? 0 : range.fromMs,
    toMs: range.toMs,
    events: [q.startEvent.event],
    filters: andFilters(q.filters, q.startEvent.filters),
    personProperties: false,
    columns,
  });
  const ret = eventsSource({
    ctx,
    fromMs: range.fromMs,
    toMs: Math.max(endMs, range.toMs),
    events: [q.returnEvent.event],
    filters: andFilters(q.filters, q.returnEvent.filters),
    personProperties: false,
    columns,
  });
  const from = InstantNode.create(range.fromMs);
  const cohortSql = firstTime
    ? sql`SELECT person, ${fn.argMin(text('b'), text('ts'))} AS cohort FROM (${start}) s GROUP BY person HAVING min(ts) >= ${from}`
    : sql`SELECT DISTINCT person, b AS cohort FROM (${start}) s`;
  // Return events join the (small) cohorts before anything is made distinct:
  // most return events belong to persons outside every cohort and drop out in
  // the join probe instead of filling a DISTINCT over all (person, period) pairs.
  // The join is on equality only (ClickHouse allows no other); later periods are a WHERE.
  const root = WithNode.create(
    [{ name: 'c', query: cohortSql }],
    sql`SELECT cohort, ${fn.nullBigint} AS ret, count(*) AS n FROM ${cte('c')} GROUP BY cohort UNION ALL SELECT c.cohort AS cohort, x.b AS ret, ${fn.countDistinct(text('x.person'))} AS n FROM (${ret}) x JOIN ${cte('c')} ON x.person = c.person WHERE x.b > c.cohort GROUP BY c.cohort, x.b`,
  );
  return {
    root,
    shape: (rows) => {
      const values = new Map<number, number[]>(
        cohorts.map((c) => [c, new Array(q.periods).fill(0)]),
      );
      for (const r of rows) {
        const c = num(field(r, 'cohort'));
        const v = c === null ? undefined : values.get(c);
        if (c === null || !v) continue;
        const retB = num(field(r, 'ret'));
        const i = retB === null ? 0 : periodsBetween(c, retB, q.period);
        if (i >= 0 && i < q.periods) v[i] = num(field(r, 'n')) ?? 0;
      }
      return {
        cohorts: cohorts.map((c) => {
          const v = values.get(c) ?? [];
          return { date: bucketLabel(c, q.period), size: v[0] ?? 0, values: v };
        }),
      };
    },
  };
}

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
import { bucketLabel, bucketStarts, type ResolvedRange, resolveRange } from '../time/date-range.js';
import { addNaive, fromLocalNaive } from '../time/zoned.js';
import { planBothPeriods } from './compare.js';
import type { PlanContext } from './context.js';
import { checkBuckets, field, num, type Plan, type Row, str } from './plan.js';
import { propertyText } from './properties.js';
import { periodsBetween } from './retention.js';
import { andFilters, eventsSource, PERSON } from './source.js';

/**
 * Retention with a breakdown: the same cohorts as {@link planRetention}, each
 * cohort membership labelled by a value — the person's current property
 * (`person`), or the property on the start event that put them in the cohort
 * (`event`: the first-ever start event for first_time, the period's first one
 * for recurring; equal times ordered by uuid).
 */
export function planRetentionBreakdown(
  q: RetentionQuery,
  ctx: PlanContext,
  range: ResolvedRange = resolveRange(q.dateRange, ctx.timezone),
): Plan<RetentionResult> {
  const b = q.breakdown;
  if (!b) throw new Error('planRetentionBreakdown needs a breakdown');
  if (q.compare)
    return planBothPeriods(
      ctx,
      range,
      (r) => planRetentionBreakdown({ ...q, compare: false }, ctx, r),
      (current, previous) => ({ ...current, previous: { cohorts: previous.cohorts } }),
    );
  const tz = ctx.timezone;
  const cohorts = bucketStarts(range, q.period, tz);
  checkBuckets(cohorts.length * q.periods);
  const endMs = fromLocalNaive(addNaive(cohorts.at(-1) ?? 0, q.period, q.periods), tz);
  const bucket = EpochMsNode.create(
    TimeBucketNode.create(
      q.period,
      LocalTimeNode.create(text('e.timestamp'), tz, {
        fromMs: range.fromMs,
        toMs: Math.max(endMs, range.toMs),
      }),
    ),
  );
  const firstTime = q.retentionType === 'first_time';
  const start = eventsSource({
    ctx,
    fromMs: firstTime ? 0 : range.fromMs,
    toMs: range.toMs,
    events: [q.startEvent.event],
    filters: andFilters(q.filters, q.startEvent.filters),
    personProperties: b.on === 'person',
    columns: (scope) => ({
      person: PERSON,
      ts: text('e.timestamp'),
      u: fn.toText(text('e.uuid')),
      b: bucket,
      bval: propertyText(scope, b.on, b.property),
    }),
  });
  const ret = eventsSource({
    ctx,
    fromMs: range.fromMs,
    toMs: Math.max(endMs, range.toMs),
    events: [q.returnEvent.event],
    filters: andFilters(q.filters, q.returnEvent.filters),
    personProperties: false,
    columns: () => ({ person: PERSON, b: bucket }),
  });
  const from = InstantNode.create(range.fromMs);
  const label = fn.firstOf(text('bval'), text('ts'), text('u'));
  const cohortSql = firstTime
    ? sql`SELECT person, ${fn.argMin(text('b'), text('ts'))} AS cohort, ${label} AS bval FROM (${start}) s GROUP BY person HAVING min(ts) >= ${from}`
    : sql`SELECT person, b AS cohort, ${label} AS bval FROM (${start}) s GROUP BY person, b`;
  const root = WithNode.create(
    [
      { name: 'c', query: cohortSql },
      { name: 'r', query: sql`SELECT DISTINCT person, b FROM (${ret}) x` },
    ],
    sql`SELECT bval, cohort, ${fn.nullBigint} AS ret, count(*) AS n FROM ${cte('c')} GROUP BY bval, cohort UNION ALL SELECT c.bval AS bval, c.cohort AS cohort, r.b AS ret, ${fn.countDistinct(text('c.person'))} AS n FROM ${cte('c')} JOIN ${cte('r')} ON r.person = c.person WHERE r.b > c.cohort GROUP BY c.bval, c.cohort, r.b`,
  );
  return { root, shape: (rows) => shapeBreakdown(q, cohorts, rows) };
}

function shapeBreakdown(
  q: RetentionQuery,
  cohorts: readonly number[],
  rows: readonly Row[],
): RetentionResult {
  const byValue = new Map<string | null, Map<number, number[]>>();
  for (const r of rows) {
    const bval = str(field(r, 'bval'));
    const c = num(field(r, 'cohort'));
    if (c === null || !cohorts.includes(c)) continue;
    let m = byValue.get(bval);
    if (!m) {
      m = new Map(cohorts.map((x) => [x, new Array(q.periods).fill(0)]));
      byValue.set(bval, m);
    }
    const v = m.get(c);
    const retB = num(field(r, 'ret'));
    const i = retB === null ? 0 : periodsBetween(c, retB, q.period);
    if (v && i >= 0 && i < q.periods) v[i] = num(field(r, 'n')) ?? 0;
  }
  return { cohorts: breakdownCohorts(q, byValue) };
}

/**
 * Cohort rows of every breakdown value with members: values by their total
 * size (descending), then by value (null last); dates ascending within one.
 */
export function breakdownCohorts(
  q: RetentionQuery,
  byValue: ReadonlyMap<string | null, ReadonlyMap<number, readonly number[]>>,
): RetentionResult['cohorts'] {
  const size = (m: ReadonlyMap<number, readonly number[]>) =>
    [...m.values()].reduce((a, v) => a + (v[0] ?? 0), 0);
  const values = [...byValue.entries()]
    .filter(([, m]) => size(m) > 0)
    .sort(
      ([a, ma], [b, mb]) =>
        size(mb) - size(ma) ||
        (a === null ? 1 : 0) - (b === null ? 1 : 0) ||
        (a !== null && b !== null ? (a < b ? -1 : a > b ? 1 : 0) : 0),
    );
  return values.flatMap(([breakdownValue, m]) =>
    [...m.entries()]
      .sort(([a], [b]) => a - b)
      .map(([c, v]) => ({
        date: bucketLabel(c, q.period),
        breakdownValue,
        size: v[0] ?? 0,
        values: [...v],
      })),
  );
}

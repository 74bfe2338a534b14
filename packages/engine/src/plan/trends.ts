import type { TrendsQuery, TrendsResult } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  InstantNode,
  LocalDateTimeNode,
  LocalTimeNode,
  type SqlNode,
  TimeBucketNode,
  ValuesNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import {
  bucketLabel,
  bucketStarts,
  previousRange,
  type ResolvedRange,
  resolveRange,
} from '../time/date-range.js';
import { addNaive, fromLocalNaive, naiveSqlText, toLocalNaive } from '../time/zoned.js';
import { adapterOf, type PlanContext } from './context.js';
import { filterReadsPerson } from './filter-sql.js';
import { checkBuckets, field, num, type Plan, str } from './plan.js';
import { asDouble, propertyText } from './properties.js';
import { andFilters, eventsSource, PERSON } from './source.js';
import { uniquePersonsByMasks } from './unique-by-masks.js';

const ACTIVE_DAYS = { dau: 1, wau: 7, mau: 30 } as const;
type Series = TrendsQuery['series'][number];

function aggregate(s: Series): SqlNode {
  switch (s.math) {
    case 'total':
      return text('count(*)');
    case 'unique_persons':
    case 'dau':
    case 'wau':
    case 'mau':
      return fn.countDistinct(text('person'));
    case 'sum':
      return text('sum(val)');
    case 'avg':
      return text('avg(val)');
    case 'min':
      return text('min(val)');
    case 'max':
      return text('max(val)');
    case 'median':
      return fn.quantile(text('val'), 0.5);
    case 'p90':
      return fn.quantile(text('val'), 0.9);
    default: {
      const never: never = s.math;
      throw new Error(`unknown math ${String(never)}`);
    }
  }
}

/** Maths that count persons rather than events or values. */
const countsPersons = (s: Series) => ['unique_persons', 'dau', 'wau', 'mau'].includes(s.math);

/** Maths that count; empty buckets are 0 for them and null for value maths. */
const isCount = (s: Series) =>
  ['total', 'unique_persons', 'dau', 'wau', 'mau', 'sum'].includes(s.math);

/**
 * Trends: one SQL with, per series and period, one row per (breakdown, bucket)
 * and one total row (bucket NULL) per breakdown value. dau/wau/mau count persons
 * active in the N local days ending where each bucket ends.
 */
export function planTrends(q: TrendsQuery, ctx: PlanContext): Plan<TrendsResult> {
  const tz = ctx.timezone;
  const current = resolveRange(q.dateRange, tz);
  const periods: { name: 'current' | 'previous'; range: ResolvedRange }[] = [
    { name: 'current', range: current },
  ];
  if (q.compare) periods.push({ name: 'previous', range: previousRange(current, tz) });
  const parts: SqlNode[] = [];
  const buckets = new Map<string, number[]>();
  for (const p of periods) {
    const starts = bucketStarts(p.range, q.interval, tz);
    checkBuckets(starts.length);
    buckets.set(p.name, starts);
    q.series.forEach((s, i) => {
      parts.push(...seriesSql(q, s, i, p.name, p.range, starts, ctx));
    });
  }
  const root = sql`${join(parts, ' UNION ALL ')}`;
  return {
    root,
    shape: (rows) => {
      const out: TrendsResult['series'] = [];
      const groups = new Map<
        string,
        {
          s: number;
          period: 'current' | 'previous';
          bval: string | null;
          points: Map<number, number | null>;
          total: number | null;
          hasTotal: boolean;
        }
      >();
      for (const r of rows) {
        const s = num(field(r, 's')) ?? 0;
        const period = field(r, 'period') === 'previous' ? 'previous' : 'current';
        const bval = str(field(r, 'bval'));
        const key = JSON.stringify([s, period, bval]);
        let g = groups.get(key);
        if (!g) {
          g = { s, period, bval, points: new Map(), total: null, hasTotal: false };
          groups.set(key, g);
        }
        const bucket = num(field(r, 'bucket'));
        if (bucket === null) {
          g.total = num(field(r, 'value'));
          g.hasTotal = true;
        } else g.points.set(bucket, num(field(r, 'value')));
      }
      // Without a breakdown every series is listed, even when nothing happened.
      if (!q.breakdown)
        for (const p of periods)
          q.series.forEach((_, s) => {
            const key = JSON.stringify([s, p.name, null]);
            const existing = groups.get(key);
            if (existing) existing.hasTotal = true;
            else
              groups.set(key, {
                s,
                period: p.name,
                bval: null,
                points: new Map(),
                total: null,
                hasTotal: true,
              });
          });
      for (const g of groups.values()) {
        const series = q.series[g.s];
        // A breakdown value is listed only when some of its events fall in the range.
        if (!series || !g.hasTotal) continue;
        const zero = isCount(series) ? 0 : null;
        out.push({
          label: `${series.event} (${series.math})`,
          seriesIndex: g.s,
          breakdownValue: g.bval,
          period: g.period,
          points: (buckets.get(g.period) ?? []).map((b) => ({
            date: bucketLabel(b, q.interval),
            value: g.points.get(b) ?? zero,
          })),
          total: g.total ?? zero,
        });
      }
      out.sort(
        (a, b) =>
          a.seriesIndex - b.seriesIndex ||
          (a.period === b.period ? 0 : a.period === 'current' ? -1 : 1) ||
          (b.total ?? 0) - (a.total ?? 0) ||
          String(a.breakdownValue).localeCompare(String(b.breakdownValue)),
      );
      return { series: out };
    },
  };
}

function seriesSql(
  q: TrendsQuery,
  s: Series,
  i: number,
  period: string,
  range: ResolvedRange,
  starts: number[],
  ctx: PlanContext,
): SqlNode[] {
  const tz = ctx.timezone;
  const activeDays =
    s.math === 'dau' || s.math === 'wau' || s.math === 'mau' ? ACTIVE_DAYS[s.math] : 0;
  const firstStart = starts[0] ?? 0;
  const fromMs = activeDays
    ? Math.min(
        range.fromMs,
        fromLocalNaive(addNaive(addNaive(firstStart, q.interval, 1), 'day', -activeDays), tz),
      )
    : range.fromMs;
  const toMs = range.toMs;
  const b = q.breakdown;
  const local = LocalTimeNode.create(text('e.timestamp'), tz, { fromMs, toMs });
  const filters = andFilters(q.filters, s.filters);
  // Event counts and value maths never read the person: their rows skip the
  // overrides join (DuckDB cannot drop it itself, as nothing declares
  // `old_person_id` unique), a third of a daily total's time.
  const readsPerson = countsPersons(s) || b?.on === 'person' || filterReadsPerson(filters);
  const src = eventsSource({
    ctx,
    fromMs,
    toMs,
    events: [s.event],
    filters,
    personProperties: b?.on === 'person',
    storedPersons: !readsPerson,
    columns: (scope) => ({
      ...(readsPerson ? { person: PERSON } : {}),
      local_ts: local,
      // The bucket's start as naive ms (arithmetic on the wall clock for fixed widths).
      ...(activeDays
        ? {}
        : { bucket_ms: EpochMsNode.create(TimeBucketNode.create(q.interval, local)) }),
      // The wall clock in ms, for the slots of unique-person masks.
      ...(s.math === 'unique_persons' ? { local_ms: EpochMsNode.create(local) } : {}),
      in_range: sql`(e.timestamp >= ${InstantNode.create(range.fromMs)} AND e.timestamp < ${InstantNode.create(range.toMs)})`,
      bval: b ? propertyText(scope, b.on, b.property) : fn.nullText,
      val: s.property ? asDouble(propertyText(scope, 'event', s.property)) : fn.nullDouble,
    }),
  });
  const adapter = adapterOf(ctx);
  // Doubles, so that counts and value maths unite in one column on every engine.
  const agg = fn.toDouble(aggregate(s));
  const head = sql`${i} AS s, ${period} AS period, bval`;
  const total = sql`SELECT ${head}, ${fn.nullBigint} AS bucket, ${agg} AS value FROM (${src}) t WHERE in_range GROUP BY bval`;
  if (s.math === 'unique_persons') {
    const byMasks = uniquePersonsByMasks(head, src, q.interval, starts, b !== undefined);
    if (byMasks) return [byMasks];
  }
  if (!activeDays) {
    const bucket = text('bucket_ms');
    if (!adapter.hasGroupingSets)
      return [
        sql`SELECT ${head}, ${bucket} AS bucket, ${agg} AS value FROM (${src}) t GROUP BY bval, bucket`,
        total,
      ];
    return [
      // One scan: per-bucket rows and the range total (bucket NULL) from grouping sets.
      sql`SELECT ${head}, ${bucket} AS bucket, ${agg} AS value FROM (${src}) t GROUP BY GROUPING SETS ((bval, bucket), (bval))`,
    ];
  }
  const windows = ValuesNode.create(
    'w',
    ['bucket', 'lo', 'hi'],
    starts.map((st) => {
      // The window ends where the bucket ends, or where the range ends if sooner.
      const end = Math.min(addNaive(st, q.interval, 1), toLocalNaive(range.toMs, tz));
      return [
        fn.toBigint(sql`${st}`),
        LocalDateTimeNode.create(naiveSqlText(addNaive(end, 'day', -activeDays))),
        LocalDateTimeNode.create(naiveSqlText(end)),
      ];
    }),
  );
  const inWindow = text('t.local_ts >= w.lo AND t.local_ts < w.hi');
  const joined = adapter.hasInequalityJoins
    ? sql`JOIN ${windows} ON ${inWindow}`
    : sql`CROSS JOIN ${windows} WHERE ${inWindow}`;
  return [
    sql`SELECT ${head}, w.bucket AS bucket, ${agg} AS value FROM (${src}) t ${joined} GROUP BY bval, w.bucket`,
    total,
  ];
}

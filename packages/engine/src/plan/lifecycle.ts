import type { LifecycleQuery, LifecycleResult } from '@opsloop/schema';
import {
  EpochMsNode,
  LocalDateTimeNode,
  LocalTimeNode,
  type SqlNode,
  TimeBucketNode,
} from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import { bucketLabel, bucketStarts, resolveRange } from '../time/date-range.js';
import { naiveSqlText } from '../time/zoned.js';
import type { PlanContext } from './context.js';
import { checkBuckets, field, num, type Plan, str } from './plan.js';
import { eventsSource, PERSON } from './source.js';

const STEP = { day: 'INTERVAL 1 DAY', week: 'INTERVAL 7 DAY', month: 'INTERVAL 1 MONTH' } as const;

/**
 * Lifecycle: per interval of the range, the persons active in it (did the
 * event) split into new (their first-ever active interval), returning (also
 * active in the previous interval) and resurrecting (not in the previous one,
 * but before); dormant are those active in the previous interval and not in
 * this one, reported negative. Activity before the range counts as history.
 */
export function planLifecycle(q: LifecycleQuery, ctx: PlanContext): Plan<LifecycleResult> {
  const tz = ctx.timezone;
  const range = resolveRange(q.dateRange, tz);
  const starts = bucketStarts(range, q.interval, tz);
  checkBuckets(starts.length);
  const src = eventsSource({
    ctx,
    fromMs: 0,
    toMs: range.toMs,
    events: [q.event],
    filters: q.filters,
    personProperties: false,
    columns: () => ({
      person: PERSON,
      b: TimeBucketNode.create(q.interval, LocalTimeNode.create(text('e.timestamp'), tz)),
    }),
  });
  const lo = LocalDateTimeNode.create(naiveSqlText(starts[0] ?? 0));
  const hi = LocalDateTimeNode.create(naiveSqlText(starts.at(-1) ?? 0));
  const step = text(STEP[q.interval]);
  const ms = (n: SqlNode) => EpochMsNode.create(n);
  const root = sql`WITH a AS (SELECT DISTINCT person, b FROM (${src}) s), f AS (SELECT person, min(b) AS first FROM a GROUP BY person) SELECT ${ms(text('a.b'))} AS bucket, CASE WHEN a.b = f.first THEN 'new' WHEN p.person IS NOT NULL THEN 'returning' ELSE 'resurrecting' END AS status, count(*) AS n FROM a JOIN f ON f.person = a.person LEFT JOIN a p ON p.person = a.person AND p.b = a.b - ${step} WHERE a.b >= ${lo} AND a.b <= ${hi} GROUP BY 1, 2 UNION ALL SELECT ${ms(sql`a.b + ${step}`)} AS bucket, 'dormant' AS status, count(*) AS n FROM a LEFT JOIN a nx ON nx.person = a.person AND nx.b = a.b + ${step} WHERE nx.person IS NULL AND a.b + ${step} >= ${lo} AND a.b + ${step} <= ${hi} GROUP BY 1, 2`;
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

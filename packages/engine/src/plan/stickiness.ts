import type { StickinessQuery, StickinessResult } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, LocalTimeNode, TimeBucketNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import { bucketStarts, resolveRange } from '../time/date-range.js';
import type { PlanContext } from './context.js';
import { checkBuckets, field, num, type Plan } from './plan.js';
import { eventsSource, PERSON } from './source.js';

/** Stickiness: persons by the number of intervals of the range in which they did the event. */
export function planStickiness(q: StickinessQuery, ctx: PlanContext): Plan<StickinessResult> {
  const range = resolveRange(q.dateRange, ctx.timezone);
  const n = bucketStarts(range, q.interval, ctx.timezone).length;
  checkBuckets(n);
  const src = eventsSource({
    ctx,
    fromMs: range.fromMs,
    toMs: range.toMs,
    events: [q.event],
    filters: q.filters,
    personProperties: false,
    columns: () => ({
      person: PERSON,
      b: EpochMsNode.create(
        TimeBucketNode.create(
          q.interval,
          LocalTimeNode.create(text('e.timestamp'), ctx.timezone, range),
        ),
      ),
    }),
  });
  return {
    root: sql`SELECT k, count(*) AS persons FROM (SELECT person, ${fn.countDistinct(text('b'))} AS k FROM (${src}) s GROUP BY person) p GROUP BY k`,
    shape: (rows) => {
      const by = new Map(rows.map((r) => [num(field(r, 'k')), num(field(r, 'persons')) ?? 0]));
      return {
        stickiness: Array.from({ length: n }, (_, i) => ({
          intervals: i + 1,
          persons: by.get(i + 1) ?? 0,
        })),
      };
    },
  };
}

import type { RetentionQuery, RetentionResult } from '@opsloop/schema';
import { breakdownCohorts } from '../plan/breakdown-retention.js';
import { periodsBetween } from '../plan/retention.js';
import { bucketStarts, resolveRange } from '../time/date-range.js';
import { toLocalNaive, truncateNaive } from '../time/zoned.js';
import { matches, propertyValue } from './filter.js';
import { personOf, type RefContext, type RefData, type RefEvent } from './model.js';

/** Retention by breakdown value, by looping over persons, their start events and periods. */
export function referenceRetentionBreakdown(
  data: RefData,
  q: RetentionQuery,
  ctx: RefContext,
): RetentionResult {
  const b = q.breakdown;
  if (!b) throw new Error('needs a breakdown');
  const tz = ctx.timezone;
  const range = resolveRange(q.dateRange, tz);
  const cohorts = bucketStarts(range, q.period, tz);
  const bucketOf = (t: number) => truncateNaive(toLocalNaive(t, tz), q.period);
  const earliest = (es: RefEvent[]) =>
    [...es].sort((x, y) => x.timestamp - y.timestamp || (x.uuid < y.uuid ? -1 : 1))[0];
  const starts = data.events.filter(
    (e) =>
      e.event === q.startEvent.event &&
      e.timestamp < range.toMs &&
      matches(data, e, q.filters, ctx.now) &&
      matches(data, e, q.startEvent.filters, ctx.now),
  );
  const returns = data.events.filter(
    (e) =>
      e.event === q.returnEvent.event &&
      e.timestamp >= range.fromMs &&
      matches(data, e, q.filters, ctx.now) &&
      matches(data, e, q.returnEvent.filters, ctx.now),
  );
  const members: { person: string; cohort: number; bval: string | null }[] = [];
  for (const p of new Set(starts.map((e) => personOf(data, e)))) {
    const mine = starts.filter((e) => personOf(data, e) === p);
    const groups =
      q.retentionType === 'first_time'
        ? [mine]
        : [
            ...new Set(
              mine.filter((e) => e.timestamp >= range.fromMs).map((e) => bucketOf(e.timestamp)),
            ),
          ].map((c) =>
            mine.filter((e) => e.timestamp >= range.fromMs && bucketOf(e.timestamp) === c),
          );
    for (const g of groups) {
      const first = earliest(g);
      if (!first || first.timestamp < range.fromMs) continue;
      members.push({
        person: p,
        cohort: bucketOf(first.timestamp),
        bval: propertyValue(data, first, b.on, b.property),
      });
    }
  }
  const byValue = new Map<string | null, Map<number, number[]>>();
  for (const bval of new Set(members.map((m) => m.bval))) {
    const m = new Map<number, number[]>();
    for (const c of cohorts) {
      const who = members.filter((x) => x.bval === bval && x.cohort === c).map((x) => x.person);
      m.set(
        c,
        Array.from({ length: q.periods }, (_, i) =>
          i === 0
            ? who.length
            : who.filter((p) =>
                returns.some(
                  (e) =>
                    personOf(data, e) === p &&
                    periodsBetween(c, bucketOf(e.timestamp), q.period) === i,
                ),
              ).length,
        ),
      );
    }
    byValue.set(bval, m);
  }
  return { cohorts: breakdownCohorts(q, byValue) };
}

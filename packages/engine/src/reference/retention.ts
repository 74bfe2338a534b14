import type { RetentionQuery, RetentionResult } from '@opsloop/schema';
import { periodsBetween } from '../plan/retention.js';
import { bucketLabel, bucketStarts, resolveRange } from '../time/date-range.js';
import { toLocalNaive, truncateNaive } from '../time/zoned.js';
import { matches } from './filter.js';
import { personOf, type RefContext, type RefData } from './model.js';

/** Retention by looping over persons and periods. */
export function referenceRetention(
  data: RefData,
  q: RetentionQuery,
  ctx: RefContext,
): RetentionResult {
  const tz = ctx.timezone;
  const range = resolveRange(q.dateRange, tz);
  const cohorts = bucketStarts(range, q.period, tz);
  const bucketOf = (t: number) => truncateNaive(toLocalNaive(t, tz), q.period);
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
  const memberships: { person: string; cohort: number }[] = [];
  const persons = new Set(starts.map((e) => personOf(data, e)));
  for (const p of persons) {
    const mine = starts.filter((e) => personOf(data, e) === p);
    if (q.retentionType === 'first_time') {
      const first = Math.min(...mine.map((e) => e.timestamp));
      if (first >= range.fromMs) memberships.push({ person: p, cohort: bucketOf(first) });
    } else {
      for (const c of new Set(
        mine.filter((e) => e.timestamp >= range.fromMs).map((e) => bucketOf(e.timestamp)),
      ))
        memberships.push({ person: p, cohort: c });
    }
  }
  return {
    cohorts: cohorts.map((c) => {
      const members = memberships.filter((m) => m.cohort === c).map((m) => m.person);
      const values = Array.from({ length: q.periods }, (_, i) =>
        i === 0
          ? members.length
          : members.filter((p) =>
              returns.some(
                (e) =>
                  personOf(data, e) === p &&
                  periodsBetween(c, bucketOf(e.timestamp), q.period) === i,
              ),
            ).length,
      );
      return { date: bucketLabel(c, q.period), size: members.length, values };
    }),
  };
}

import type { TrendsQuery, TrendsResult } from '@opsloop/schema';
import {
  bucketLabel,
  bucketStarts,
  previousRange,
  type ResolvedRange,
  resolveRange,
} from '../time/date-range.js';
import { addNaive, toLocalNaive, truncateNaive } from '../time/zoned.js';
import { matches, propertyValue } from './filter.js';
import { personOf, type RefContext, type RefData, type RefEvent } from './model.js';

const ACTIVE = { dau: 1, wau: 7, mau: 30 } as const;

function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] ?? 0) + ((s[hi] ?? 0) - (s[lo] ?? 0)) * (pos - lo);
}

/** Trends by looping over events: plain, slow, obviously right. */
export function referenceTrends(data: RefData, q: TrendsQuery, ctx: RefContext): TrendsResult {
  const tz = ctx.timezone;
  const cur = resolveRange(q.dateRange, tz);
  const periods: ['current' | 'previous', ResolvedRange][] = [['current', cur]];
  if (q.compare) periods.push(['previous', previousRange(cur, tz)]);
  const out: TrendsResult['series'] = [];
  for (const [period, range] of periods) {
    const starts = bucketStarts(range, q.interval, tz);
    q.series.forEach((s, i) => {
      const evs = data.events.filter(
        (e) =>
          e.event === s.event &&
          matches(data, e, q.filters, ctx.now) &&
          matches(data, e, s.filters, ctx.now),
      );
      const bvalOf = (e: RefEvent) =>
        q.breakdown ? propertyValue(data, e, q.breakdown.on, q.breakdown.property) : null;
      const inRange = (e: RefEvent) => e.timestamp >= range.fromMs && e.timestamp < range.toMs;
      const bvals = q.breakdown ? [...new Set(evs.filter(inRange).map(bvalOf))] : [null];
      // The engine lists a breakdown value only when some event of it is counted.
      for (const bval of bvals) {
        const mine = evs.filter((e) => bvalOf(e) === bval);
        const agg = (es: RefEvent[]): number | null => {
          const vals = es
            .map((e) => (s.property ? propertyValue(data, e, 'event', s.property) : null))
            .map((x) =>
              x === null || x.trim() === '' || Number.isNaN(Number(x)) ? null : Number(x),
            )
            .filter((x): x is number => x !== null);
          switch (s.math) {
            case 'total':
              return es.length;
            case 'unique_persons':
            case 'dau':
            case 'wau':
            case 'mau':
              return new Set(es.map((e) => personOf(data, e))).size;
            case 'sum':
              return vals.length ? vals.reduce((a, b) => a + b, 0) : null;
            case 'avg':
              return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
            case 'min':
              return vals.length ? Math.min(...vals) : null;
            case 'max':
              return vals.length ? Math.max(...vals) : null;
            case 'median':
              return quantile(vals, 0.5);
            case 'p90':
              return quantile(vals, 0.9);
            default:
              return null;
          }
        };
        const zero = ['total', 'unique_persons', 'dau', 'wau', 'mau', 'sum'].includes(s.math)
          ? 0
          : null;
        const local = (e: RefEvent) => toLocalNaive(e.timestamp, tz);
        const points = starts.map((b) => {
          let es: RefEvent[];
          if (s.math === 'dau' || s.math === 'wau' || s.math === 'mau') {
            const end = Math.min(addNaive(b, q.interval, 1), toLocalNaive(range.toMs, tz));
            const lo = addNaive(end, 'day', -ACTIVE[s.math]);
            es = mine.filter((e) => local(e) >= lo && local(e) < end);
          } else {
            es = mine.filter((e) => inRange(e) && truncateNaive(local(e), q.interval) === b);
          }
          return { date: bucketLabel(b, q.interval), value: es.length ? (agg(es) ?? zero) : zero };
        });
        const inR = mine.filter(inRange);
        out.push({
          label: `${s.event} (${s.math})`,
          seriesIndex: i,
          breakdownValue: bval,
          period,
          points,
          total: inR.length ? (agg(inR) ?? zero) : zero,
        });
      }
    });
  }
  return { series: out };
}

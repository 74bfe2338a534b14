import { propertyValue } from '../reference/filter.js';
import { personOf, type RefData } from '../reference/model.js';
import { ntile, type RfmConfig } from './tiers.js';

export interface RfmScore {
  readonly id: string;
  readonly last: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly r: number;
  readonly f: number;
  readonly m: number;
}

/** RFM scores by sorting persons in plain code (ties by person id, as the SQL). */
export function referenceRfm(data: RefData, asOf: number, c: RfmConfig): RfmScore[] {
  const acc = new Map<string, { last: number; frequency: number; monetary: number }>();
  for (const e of data.events) {
    if (e.event !== c.revenueEvent) continue;
    if (!(e.timestamp > asOf - c.windowDays * 86_400_000 && e.timestamp <= asOf)) continue;
    const p = personOf(data, e);
    const raw = propertyValue(data, e, 'event', c.revenueProperty);
    const n = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
    const a = acc.get(p) ?? { last: Number.NEGATIVE_INFINITY, frequency: 0, monetary: 0 };
    a.last = Math.max(a.last, e.timestamp);
    a.frequency += 1;
    a.monetary += Number.isFinite(n) ? n : 0;
    acc.set(p, a);
  }
  const rows = [...acc.entries()].map(([id, a]) => ({ id, ...a }));
  const count = rows.length;
  const scoreBy = (key: 'last' | 'frequency' | 'monetary') => {
    const sorted = [...rows].sort((x, y) => x[key] - y[key] || (x.id < y.id ? -1 : 1));
    return new Map(sorted.map((x, i) => [x.id, ntile(i, count, 5)]));
  };
  const r = scoreBy('last');
  const f = scoreBy('frequency');
  const m = scoreBy('monetary');
  return rows
    .map((x) => ({ ...x, r: r.get(x.id) ?? 0, f: f.get(x.id) ?? 0, m: m.get(x.id) ?? 0 }))
    .sort((x, y) => (x.id < y.id ? -1 : 1));
}

import type { FunnelQuery, FunnelResult } from '@opsloop/schema';
import { compareBreakdownValues } from '../funnel/attribution.js';
import { funnelSteps, median } from '../plan/funnel.js';
import { resolveRange } from '../time/date-range.js';
import { matches, propertyValue } from './filter.js';
import { personOf, type RefContext, type RefData, type RefEvent } from './model.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

/**
 * Funnels by enumerating every chain of distinct events per person (tiny data
 * only). Same definitions as the engine, written as directly as possible.
 */
export function referenceFunnel(data: RefData, q: FunnelQuery, ctx: RefContext): FunnelResult {
  const range = resolveRange(q.dateRange, ctx.timezone);
  const W = q.window.value * UNIT_MS[q.window.unit];
  const byPerson = new Map<string, RefEvent[]>();
  for (const e of data.events) {
    const p = personOf(data, e);
    byPerson.set(p, [...(byPerson.get(p) ?? []), e]);
  }
  const groups = new Map<string | null, { levels: number[]; gaps: number[][] }>();
  for (const [, evs] of byPerson) {
    const stepOk = (e: RefEvent, k: number) => {
      const s = q.steps[k];
      return (
        !!s &&
        e.event === s.event &&
        matches(data, e, q.filters, ctx.now) &&
        matches(data, e, s.filters, ctx.now)
      );
    };
    const excluded = (x: number, e: RefEvent) =>
      e.event === q.exclusions[x]?.event && matches(data, e, q.filters, ctx.now);
    // Every valid chain, as lists of events.
    const chains: RefEvent[][] = [];
    const extend = (chain: RefEvent[]) => {
      chains.push(chain);
      const k = chain.length;
      if (k === q.steps.length) return;
      for (const e of evs) {
        if (chain.includes(e) || !stepOk(e, k)) continue;
        const next = [...chain, e];
        if (partialOk(next)) extend(next);
      }
    };
    // Unordered chains may get their in-range earliest event late, so only the window prunes them.
    const partialOk = (c: RefEvent[]): boolean => {
      if (q.order !== 'unordered') return valid(c);
      const ts = c.map((e) => e.timestamp);
      return Math.max(...ts) - Math.min(...ts) <= W;
    };
    const valid = (c: RefEvent[]): boolean => {
      const ts = c.map((e) => e.timestamp);
      const first = c[0];
      if (!first) return false;
      if (q.order === 'unordered') {
        const lo = Math.min(...ts);
        const earliest = c.find((e) => e.timestamp === lo);
        return (
          Math.max(...ts) - lo <= W &&
          !!earliest &&
          c.some(
            (e) => e.timestamp === lo && e.timestamp >= range.fromMs && e.timestamp < range.toMs,
          )
        );
      }
      if (!(first.timestamp >= range.fromMs && first.timestamp < range.toMs)) return false;
      for (let i = 1; i < c.length; i++) {
        const a = c[i - 1]?.timestamp ?? 0;
        const b = c[i]?.timestamp ?? 0;
        if (b < a || b > first.timestamp + W) return false;
        if (q.order === 'strict' && evs.some((x) => x.timestamp > a && x.timestamp < b))
          return false;
      }
      return q.exclusions.every((x, xi) => {
        const [a, b] = x.betweenSteps;
        const ea = c[a - 1];
        const eb = c[b - 1];
        if (!ea || !eb) return true;
        return !evs.some(
          (e) => excluded(xi, e) && e.timestamp > ea.timestamp && e.timestamp < eb.timestamp,
        );
      });
    };
    for (const e of evs) if (stepOk(e, 0)) extend([e]);
    const level = Math.max(0, ...chains.filter(valid).map((c) => c.length));
    if (level === 0) continue;
    // The reported chain: latest start, then earliest times step by step.
    const longest = chains
      .filter((c) => c.length === level && valid(c))
      .map((c) => c.map((e) => e.timestamp))
      .sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0) || cmp(a, b));
    const times = q.order === 'unordered' ? [] : (longest[0] ?? []);
    // Breakdown: a person property is the person's; an event property is
    // attributed first touch, from the earliest in-range event that can start
    // the funnel (step 1, or any step unordered), the lowest value at a tie.
    const b = q.breakdown;
    const inRange = (e: RefEvent) => e.timestamp >= range.fromMs && e.timestamp < range.toMs;
    const starters = evs.filter(
      (e) =>
        inRange(e) &&
        (q.order === 'unordered' ? q.steps.some((_, k) => stepOk(e, k)) : stepOk(e, 0)),
    );
    const breakdownOf = (e: RefEvent) => (b ? propertyValue(data, e, b.on, b.property) : null);
    const touch = Math.min(...starters.map((e) => e.timestamp));
    const bval =
      starters
        .filter((e) => e.timestamp === touch)
        .map(breakdownOf)
        .sort(compareBreakdownValues)[0] ?? null;
    let g = groups.get(bval);
    if (!g) {
      g = { levels: new Array(q.steps.length + 1).fill(0), gaps: q.steps.map(() => []) };
      groups.set(bval, g);
    }
    g.levels[level] = (g.levels[level] ?? 0) + 1;
    for (let k = 1; k < times.length; k++)
      g.gaps[k]?.push(((times[k] ?? 0) - (times[k - 1] ?? 0)) / 1000);
  }
  const spec = { stepCount: q.steps.length, windowMs: W, order: q.order, exclusions: [] };
  const empty = { levels: new Array(q.steps.length + 1).fill(0), gaps: q.steps.map(() => []) };
  if (!q.breakdown) {
    const g = groups.get(null) ?? empty;
    return { steps: funnelSteps(q, spec, g.levels, g.gaps) };
  }
  return {
    groups: [...groups.entries()].map(([breakdownValue, g]) => ({
      breakdownValue,
      steps: funnelSteps(q, spec, g.levels, g.gaps),
    })),
  };
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

export { median };

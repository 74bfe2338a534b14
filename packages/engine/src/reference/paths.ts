import type { PathsQuery, PathsResult } from '@opsloop/schema';
import { type PathEdge, pathsResult } from '../plan/paths.js';
import { resolveRange } from '../time/date-range.js';
import { matches } from './filter.js';
import { personOf, type RefContext, type RefData, type RefEvent } from './model.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

/** Paths by sorting each person's events and walking from the anchor. */
export function referencePaths(data: RefData, q: PathsQuery, ctx: RefContext): PathsResult {
  const range = resolveRange(q.dateRange, ctx.timezone);
  const after = q.start !== undefined;
  const anchorStep = q.start ?? q.end;
  const W = q.window.value * UNIT_MS[q.window.unit];
  const key = (e: RefEvent) => [e.timestamp, e.uuid] as const;
  const before = (a: RefEvent, b: RefEvent) => {
    const [ta, ua] = key(a);
    const [tb, ub] = key(b);
    return ta < tb || (ta === tb && ua < ub);
  };
  const byPerson = new Map<string, RefEvent[]>();
  for (const e of data.events) {
    if (!matches(data, e, q.filters, ctx.now)) continue;
    const p = personOf(data, e);
    byPerson.set(p, [...(byPerson.get(p) ?? []), e]);
  }
  const edges = new Map<string, PathEdge>();
  for (const evs of byPerson.values()) {
    // Walking order: forwards for `after`, backwards for `before`.
    const sorted = [...evs].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    if (!after) sorted.reverse();
    const i = sorted.findIndex(
      (e) =>
        e.event === anchorStep?.event &&
        e.timestamp >= range.fromMs &&
        e.timestamp < range.toMs &&
        matches(data, e, anchorStep.filters, ctx.now),
    );
    const anchor = sorted[i];
    if (!anchor) continue;
    const path: string[] = [];
    for (const e of sorted.slice(i)) {
      if (Math.abs(e.timestamp - anchor.timestamp) > W) break;
      if (q.collapseRepeats && path.at(-1) === e.event) continue;
      path.push(e.event);
    }
    const cut = path.slice(0, q.steps + 1);
    cut.forEach((event, step) => {
      const next = cut[step + 1] ?? null;
      const k = JSON.stringify([step, event, next]);
      const edge = edges.get(k);
      edges.set(k, { step, event, next, n: (edge?.n ?? 0) + 1 });
    });
  }
  return pathsResult(q, [...edges.values()]);
}

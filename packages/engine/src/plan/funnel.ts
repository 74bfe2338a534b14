import type { FunnelQuery, FunnelResult, FunnelStepResult } from '@opsloop/schema';
import { type FunnelSpec, type PersonEvent, personFunnel } from '../funnel/person-funnel.js';
import { EpochMsNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { resolveRange } from '../time/date-range.js';
import { type PlanContext, QueryPlanError } from './context.js';
import { filterSql } from './filter-sql.js';
import type { Plan, Row } from './plan.js';
import { field, num, str } from './plan.js';
import { propertyText } from './properties.js';
import { andFilters, eventsSource, PERSON } from './source.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

/**
 * Funnels: SQL gathers, per person, the events that match any step or
 * exclusion (every event for `strict`) as [epoch ms, step bits, exclusion
 * bits, in range]; the exact per-person search runs on those lists.
 */
export function planFunnel(q: FunnelQuery, ctx: PlanContext): Plan<FunnelResult> {
  if (q.breakdown?.on === 'event')
    throw new QueryPlanError(
      'breakdown.on',
      'funnels break down by person properties only for now',
    );
  const range = resolveRange(q.dateRange, ctx.timezone);
  const windowMs = q.window.value * UNIT_MS[q.window.unit];
  const spec: FunnelSpec = {
    stepCount: q.steps.length,
    windowMs,
    order: q.order,
    exclusions: q.exclusions.map((x) => ({ a: x.betweenSteps[0] - 1, b: x.betweenSteps[1] - 1 })),
  };
  const b = q.breakdown;
  const names = [...q.steps.map((s) => s.event), ...q.exclusions.map((x) => x.event)];
  const src = eventsSource({
    ctx,
    fromMs: range.fromMs,
    toMs: range.toMs + windowMs,
    events: q.order === 'strict' ? undefined : names,
    // Global filters are folded into each step so that `strict` still sees every event.
    filters: undefined,
    personProperties: b !== undefined || needsPerson(q),
    columns: (scope) => {
      const env = { scope, projectId: ctx.projectId, asOf: ctx.now, person: PERSON };
      const bit = (
        event: string,
        f: FunnelQuery['filters'],
        value: number,
        path: string,
      ): SqlNode =>
        sql`(CASE WHEN e.event = ${event} AND coalesce(${filterSql(andFilters(q.filters, f), env, path)}, false) THEN ${value}::BIGINT ELSE 0 END)`;
      return {
        person: PERSON,
        t: EpochMsNode.create(text('e.timestamp')),
        steps: join(
          q.steps.map((s, i) => bit(s.event, s.filters, 2 ** i, `steps.${i}.filters`)),
          ' + ',
        ),
        excl: q.exclusions.length
          ? join(
              q.exclusions.map((x, i) => bit(x.event, undefined, 2 ** i, 'filters')),
              ' + ',
            )
          : text('0'),
        in_range: sql`e.timestamp < (${text("TIMESTAMPTZ '1970-01-01 00:00:00+00'")} + to_milliseconds(${range.toMs}::BIGINT))`,
        bval: b ? propertyText(scope, b.on, b.property) : text('NULL::VARCHAR'),
      };
    },
  });
  const root = sql`SELECT bval, list([t, steps, excl, in_range::BIGINT]) AS evs FROM (${src}) f GROUP BY person, bval HAVING bool_or(in_range AND ${q.order === 'unordered' ? text('steps <> 0') : text('steps % 2 = 1')})`;
  return { root, shape: (rows) => shapeFunnel(q, spec, rows) };
}

function needsPerson(q: FunnelQuery): boolean {
  return JSON.stringify([q.filters, q.steps]).includes('"on":"person"');
}

function shapeFunnel(q: FunnelQuery, spec: FunnelSpec, rows: readonly Row[]): FunnelResult {
  const groups = new Map<string | null, { levels: number[]; gaps: number[][] }>();
  for (const r of rows) {
    const events = toPersonEvents(field(r, 'evs'));
    const { level, times } = personFunnel(events, spec);
    if (level === 0) continue;
    const bval = str(field(r, 'bval'));
    let g = groups.get(bval);
    if (!g) {
      g = { levels: new Array(spec.stepCount + 1).fill(0), gaps: q.steps.map(() => []) };
      groups.set(bval, g);
    }
    g.levels[level] = (g.levels[level] ?? 0) + 1;
    for (let k = 1; k < times.length; k++)
      g.gaps[k]?.push(((times[k] ?? 0) - (times[k - 1] ?? 0)) / 1000);
  }
  const stepsOf = (g: { levels: number[]; gaps: number[][] }) =>
    funnelSteps(q, spec, g.levels, g.gaps);
  if (!q.breakdown) {
    const g = groups.get(null) ?? {
      levels: new Array(spec.stepCount + 1).fill(0),
      gaps: q.steps.map(() => []),
    };
    return { steps: stepsOf(g) };
  }
  return {
    groups: [...groups.entries()]
      .map(([breakdownValue, g]) => ({ breakdownValue, steps: stepsOf(g) }))
      .sort(
        (a, b) =>
          (b.steps[0]?.count ?? 0) - (a.steps[0]?.count ?? 0) ||
          String(a.breakdownValue).localeCompare(String(b.breakdownValue)),
      ),
  };
}

/** Counts, conversions and medians from the number of persons ending at each level. */
export function funnelSteps(
  q: FunnelQuery,
  spec: FunnelSpec,
  levels: readonly number[],
  gaps: readonly number[][],
): FunnelStepResult[] {
  const counts = q.steps.map((_, k) => levels.slice(k + 1).reduce((a, b) => a + b, 0));
  return q.steps.map((s, k) => {
    const count = counts[k] ?? 0;
    const prev = k === 0 ? null : (counts[k - 1] ?? 0);
    const first = counts[0] ?? 0;
    return {
      event: s.event,
      count,
      conversionFromPrevious: prev === null ? null : prev === 0 ? 0 : count / prev,
      conversionFromFirst: first === 0 ? 0 : count / first,
      medianSecondsFromPrevious:
        k === 0 || spec.order === 'unordered' ? null : median(gaps[k] ?? []),
    };
  });
}

/** Median with the two middle values averaged (quantile_cont 0.5). */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return ((s[Math.floor(m)] ?? 0) + (s[Math.ceil(m)] ?? 0)) / 2;
}

function toPersonEvents(v: unknown): PersonEvent[] {
  if (!Array.isArray(v)) return [];
  const out = v.map((x) => {
    const a = Array.isArray(x) ? x : [];
    return {
      t: num(a[0]) ?? 0,
      steps: num(a[1]) ?? 0,
      exclusions: num(a[2]) ?? 0,
      inRange: num(a[3]) === 1,
    };
  });
  return out.sort((a, b) => a.t - b.t);
}

import type { FunnelQuery, FunnelResult, FunnelStepResult } from '@opsloop/schema';
import { attributedGroup } from '../funnel/attribution.js';
import { emptyTally, FunnelAccumulator, type FunnelTally } from '../funnel/funnel-accumulator.js';
import type { FunnelSpec } from '../funnel/person-funnel.js';
import { fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  type EventsPart,
  InstantNode,
  RecordListNode,
  recordFields,
  type SqlNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { ReducerEnv } from '../sql/dialect/column-chunk.js';
import { previousRange, type ResolvedRange, resolveRange } from '../time/date-range.js';
import { UNIT_MS } from '../time/units.js';
import { planBothPeriods } from './compare.js';
import { adapterOf, type PlanContext } from './context.js';
import { type FilterEnv, filterReadsPerson, filterSql } from './filter-sql.js';
import { personRunsPlan } from './funnel-runs.js';
import {
  BreakdownValues,
  chunkReducer,
  STREAMED,
  STREAMED_SQL,
  streamedColumns,
  stripPrevious,
} from './funnel-stream.js';
import type { Plan, Row } from './plan.js';
import { field, num, str } from './plan.js';
import { type PropertyScope, propertyText } from './properties.js';
import { andFilters, eventsSource, personOf, SORTED_PERSON_NUMBER } from './source.js';

export interface FunnelPlanOptions {
  /**
   * The SQL of a person's breakdown value (VARCHAR), evaluated per event; the
   * funnel groups persons by it. Defaults to the query's person-property breakdown.
   */
  readonly breakdownKey?: ((scope: PropertyScope) => SqlNode) | undefined;
  /** The range to answer for, instead of the query's own (the previous period of `compare`). */
  readonly range?: ResolvedRange | undefined;
  /** Periods the streamed form answers in one scan: the range, then the previous one. */
  readonly periods?: readonly ResolvedRange[] | undefined;
}

/**
 * Funnels. The events that match any step or exclusion (every event for
 * `strict`) reach a per-person pass on typed columns: the latest-start pass
 * for ordered funnels, the exact search otherwise. Stores that stream column
 * chunks get them flat and unsorted (DuckDB only filters; persons are grouped
 * in JS); others get one row per person with a list of {t: epoch ms, s: step
 * bits, x: exclusion bits, r: in range} structs. Stores that keep most events
 * in person order stream that part as it lies and fold each person as their
 * run ends (`personRunsPlan`).
 *
 * A person-property breakdown groups by (person, value). An event-property
 * breakdown attributes each person to one value, first touch: the value on
 * their earliest in-range event that can start the funnel (`attributedGroup`);
 * the funnel itself runs over all their events, whatever the later values.
 */
export function planFunnel(
  q: FunnelQuery,
  ctx: PlanContext,
  options: FunnelPlanOptions = {},
): Plan<FunnelResult> {
  const range = options.range ?? resolveRange(q.dateRange, ctx.timezone);
  if (q.compare) {
    const single = { ...q, compare: false };
    const both = planBothPeriods(
      ctx,
      range,
      (r) => planFunnel(single, ctx, { ...options, range: r }),
      (current, previous) => ({ ...current, previous: stripPrevious(previous) }),
    );
    // Streamed, one scan over both periods answers both: persons are grouped
    // once in JS and the funnel runs per period over the events in its window.
    const streamed = planFunnel(single, ctx, {
      ...options,
      range,
      periods: [range, previousRange(range, ctx.timezone)],
    }).chunked;
    return streamed ? { ...both, chunked: { ...streamed, bothPeriods: true } } : both;
  }
  const windowMs = q.window.value * UNIT_MS[q.window.unit];
  // The periods the streamed form answers (the first is the result, a second its `previous`).
  const periods = options.periods ?? [range];
  const scan = {
    fromMs: Math.min(...periods.map((p) => p.fromMs)),
    toMs: Math.max(...periods.map((p) => p.toMs)) + windowMs,
  };
  const spec: FunnelSpec = {
    stepCount: q.steps.length,
    windowMs,
    order: q.order,
    exclusions: q.exclusions.map((x) => ({ a: x.betweenSteps[0] - 1, b: x.betweenSteps[1] - 1 })),
  };
  const b = q.breakdown;
  const breakdownKey =
    options.breakdownKey ??
    (b ? (scope: PropertyScope) => propertyText(scope, b.on, b.property) : undefined);
  const attributed = options.breakdownKey === undefined && b?.on === 'event';
  const names = [...q.steps.map((s) => s.event), ...q.exclusions.map((x) => x.event)];
  const personJoin = (breakdownKey !== undefined && !attributed) || needsPerson(q);
  /** The funnel's events (of one part of the store, with more conditions). */
  const source = (part: EventsPart = 'all', where: readonly SqlNode[] = []) =>
    eventsSource({
      ctx,
      fromMs: scan.fromMs,
      toMs: scan.toMs,
      events: q.order === 'strict' ? undefined : names,
      // Global filters are folded into each step so that `strict` still sees every event.
      filters: undefined,
      personProperties: personJoin,
      part,
      where,
      columns: (scope) => {
        const person = personOf(part);
        const env = { scope, projectId: ctx.projectId, asOf: ctx.now, person };
        const bits = (marks: readonly Mark[]) => markBits(marks, q.filters, env);
        return {
          // The sorted part's runs are read by person number: the UUID decodes slowly.
          person: part === 'sorted' ? SORTED_PERSON_NUMBER : person,
          t: fn.toDouble(EpochMsNode.create(text('e.timestamp'))),
          steps: bits(
            q.steps.map((s, i) => ({
              event: s.event,
              filters: s.filters,
              bit: 2 ** i,
              path: `steps.${i}.filters`,
            })),
          ),
          excl: bits(
            q.exclusions.map((x, i) => ({
              event: x.event,
              filters: undefined,
              bit: 2 ** i,
              path: 'filters',
            })),
          ),
          in_range: sql`e.timestamp < ${InstantNode.create(range.toMs)}`,
          bval: breakdownKey ? breakdownKey(scope) : fn.nullText,
        };
      },
    });
  const src = source();
  const grouped = breakdownKey !== undefined;
  // Masks fit INTEGER: at most 30 steps and 10 exclusions.
  const starts = q.order === 'unordered' ? text('steps <> 0') : text('steps % 2 = 1');
  const evs = RecordListNode.create(
    EVENT_FIELDS.slice(0, attributed ? 5 : 4).map((name) => [name, EVENT_COLUMNS[name]]),
  );
  const startsInRange = fn.boolOr(sql`in_range AND ${starts}`);
  const root = attributed
    ? // No `bval` column: ClickHouse would read the records' `bval` as that alias.
      sql`SELECT ${evs} AS evs FROM (${src}) f GROUP BY person HAVING ${startsInRange}`
    : sql`SELECT bval, ${evs} AS evs FROM (${src}) f GROUP BY person, bval HAVING ${startsInRange}`;
  // Streamed: the matching events as they are; persons are grouped in JS.
  // `strict` needs every event; otherwise events that match nothing are dropped.
  const relevant = q.order === 'strict' ? text('') : text(' WHERE steps <> 0 OR excl <> 0');
  // Columns that would be constant (no breakdown, no exclusions) are left
  // out: DuckDB materialises and hands over every column of every event.
  const streamed = STREAMED.filter(
    (c) => (c !== 'bval' || grouped) && (c !== 'x' || q.exclusions.length > 0),
  );
  const flatOf = (events: SqlNode) =>
    sql`SELECT ${join(
      streamed.map((c) => STREAMED_SQL[c]),
      ', ',
    )} FROM (${events}) f${relevant}`;
  const flat = flatOf(src);
  const result = (tallies: ReadonlyMap<string | null, FunnelTally>) =>
    funnelResult(q, spec, tallies, { grouped });
  const reducer = (env: ReducerEnv = {}) =>
    chunkReducer(
      spec,
      {
        grouped,
        attributed,
        columns: streamedColumns(streamed),
        // Each period reads its events as a query of its own would: from its
        // start to its end plus the window, starting before its end.
        windows: periods.map((p) => ({
          from: p.fromMs,
          to: p.toMs + windowMs,
          startsBefore: p.toMs,
        })),
        result,
      },
      env,
    );
  // Where the store keeps a part of its events in person order, that part is
  // folded person by person (see PersonRunFold). A person-property breakdown
  // or filter joins the persons, and a grouped key splits persons: those take
  // the grouping pass. So do filters on what persons did: the sorted part's
  // rows carry the person as of the compaction, and a person merged since
  // must be judged as the merged one.
  const readsPerson = [q.filters, ...q.steps.map((s) => s.filters)].some(filterReadsPerson);
  const runs =
    adapterOf(ctx).personOrderedEvents && !personJoin && !readsPerson && (!grouped || attributed)
      ? personRunsPlan(ctx, { flatOf, source })
      : undefined;
  return {
    root,
    shape: (rows) => {
      const acc = new FunnelAccumulator(spec);
      const attribution = attributed
        ? { values: new BreakdownValues(), anyStep: q.order === 'unordered' }
        : undefined;
      for (const r of rows) addRow(acc, r, attribution);
      return result(acc.tallies);
    },
    chunked: {
      root: flat,
      reducer,
      personRuns: runs && { ...runs, reducer },
    },
  };
}

/** An event that sets a bit of a mask column (a step's, an exclusion's) when it passes the filters. */
interface Mark {
  readonly event: string;
  readonly filters: FunnelQuery['filters'];
  readonly bit: number;
  /** Where the filters are in the query, for errors. */
  readonly path: string;
}

/**
 * The SQL of a mask column: each mark's bit where the event is its event and
 * passes its filters (and the query's). Marks without a filter share one
 * CASE on the event name, each name with the OR of its bits, so that the
 * first WHEN that matches ends it: a CASE per mark tested every name on every
 * event, about a third of a 20-step funnel's statement.
 */
function markBits(
  marks: readonly Mark[],
  filters: FunnelQuery['filters'],
  env: FilterEnv,
): SqlNode {
  const plain = new Map<string, number>();
  const filtered: SqlNode[] = [];
  for (const m of marks) {
    const f = andFilters(filters, m.filters);
    if (f === undefined) plain.set(m.event, (plain.get(m.event) ?? 0) | m.bit);
    else
      filtered.push(
        sql`(CASE WHEN e.event = ${m.event} AND coalesce(${filterSql(f, env, m.path)}, ${fn.false}) THEN ${fn.bigint(m.bit)} ELSE 0 END)`,
      );
  }
  const byName = [...plain].map(
    ([event, mask]) => sql`WHEN e.event = ${event} THEN ${fn.bigint(mask)}`,
  );
  const terms = byName.length
    ? [sql`(CASE ${join(byName, ' ')} ELSE ${fn.bigint(0)} END)`, ...filtered]
    : filtered;
  return terms.length ? join(terms, ' + ') : fn.bigint(0);
}

/** The fields of each event in the list-per-person form, and their columns. */
const EVENT_FIELDS = ['t', 's', 'x', 'r', 'b'] as const;
const EVENT_COLUMNS: Readonly<Record<(typeof EVENT_FIELDS)[number], SqlNode>> = {
  t: text('t'),
  s: fn.toInteger(text('steps')),
  x: fn.toInteger(text('excl')),
  r: text('in_range'),
  b: text('bval'),
};

/** One person's row of the list-per-person form; `attribution` for event-property breakdowns. */
function addRow(
  acc: FunnelAccumulator,
  r: Row,
  attribution?: { readonly values: BreakdownValues; readonly anyStep: boolean },
): void {
  const ev = acc.next();
  const evs = field(r, 'evs');
  for (const e of Array.isArray(evs) ? evs : []) {
    const o = recordFields(e, EVENT_FIELDS);
    const tag = attribution ? attribution.values.idOf(str(o['b'])) : 0;
    // A boolean in DuckDB, 1 or 0 where conditions are integers (ClickHouse).
    ev.push(
      num(o['t']) ?? 0,
      num(o['s']) ?? 0,
      num(o['x']) ?? 0,
      o['r'] === true || o['r'] === 1,
      tag,
    );
  }
  if (!attribution) {
    acc.add(str(field(r, 'bval')));
    return;
  }
  const { values } = attribution.values;
  const group = attributedGroup(ev, { anyStep: attribution.anyStep, values });
  if (group !== undefined) acc.add(values[group] ?? null, ev);
}

function needsPerson(q: FunnelQuery): boolean {
  return JSON.stringify([q.filters, q.steps]).includes('"on":"person"');
}

function funnelResult(
  q: FunnelQuery,
  spec: FunnelSpec,
  tallies: ReadonlyMap<string | null, FunnelTally>,
  opts: { readonly grouped: boolean },
): FunnelResult {
  const stepsOf = (g: FunnelTally) => funnelSteps(q, spec, g.levels, g.gaps);
  if (!opts.grouped) return { steps: stepsOf(tallies.get(null) ?? emptyTally(spec.stepCount)) };
  return {
    groups: [...tallies.entries()]
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
  // A typed array sorts numerically without a comparator: far faster on a million gaps.
  const s = Float64Array.from(xs).sort();
  const m = (s.length - 1) / 2;
  return ((s[Math.floor(m)] ?? 0) + (s[Math.ceil(m)] ?? 0)) / 2;
}

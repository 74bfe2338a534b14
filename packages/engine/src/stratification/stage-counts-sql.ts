import { compileFor, type PeopleDialect } from '../people/person-scope.js';
import { foldMerges } from '../plan/fold-merges.js';
import { anyBit, slotMaskWords } from '../plan/slot-masks.js';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  EventsTableNode,
  InstantNode,
  RecordFieldNode,
  RecordRowsNode,
  type SqlNode,
  WithNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import type { DialectAdapter } from '../sql/dialect/adapter.js';
import { clickhouseAdapter } from '../sql/dialect/clickhouse.js';
import { duckdbAdapter } from '../sql/dialect/duckdb.js';
import { DAY_MS } from '../time/units.js';
import { localDaySql } from './local-day.js';
import { beforeMasks, type CutInterval, maskBits, slotMasks, stageSlots } from './stage-slots.js';
import { STAGES, type StageConfig } from './stages.js';

/** Above this, an instant's engaged window no longer fits a BIGINT of day flags. */
const MAX_FLAG_DAYS = 60;

/**
 * Stage counts at each instant of `at`, and the flows between consecutive
 * instants, in one grouped scan, with the rules of `stageOf`. By default from
 * slot masks per person ({@link slotFacts}); where those would take too many
 * words, from per-instant aggregates ({@link perInstantFacts}).
 * Rows: k (index of the instant), from_stage (null for counts, 'none' when
 * not seen yet), stage, n.
 */
export function stageCountsQuery(
  projectId: string,
  timezone: string,
  at: readonly number[],
  c: StageConfig,
  options: {
    readonly dialect?: PeopleDialect | undefined;
    /** Force a plan (tests); by default slot masks where they fit. */
    readonly plan?: 'slots' | 'perInstant' | undefined;
  } = {},
): CompiledQuery {
  const adapter = options.dialect === 'clickhouse' ? clickhouseAdapter : duckdbAdapter;
  if (at.length === 0) throw new RangeError('no instants');
  const slots = options.plan === 'perInstant' ? null : stageSlots(at, c, timezone);
  if (options.plan === 'slots' && !slots) throw new RangeError('too many slots');
  const { facts, stages } = slots
    ? slotFacts(projectId, at, c, slots, adapter)
    : perInstantFacts(projectId, timezone, at, c, adapter);
  return compileFor(options.dialect, countsAndFlows(at.length, facts, stages));
}

/**
 * Facts per person and the stage CASE per instant, from per-instant
 * aggregates: once per person first seen, first activation and first
 * activity; per instant the last activity before it, the activity in its gap,
 * and its engaged window's active local days as a BIGINT of day flags (bit i:
 * i days after the window's first day) counted with `bit_count`.
 */
function perInstantFacts(
  projectId: string,
  timezone: string,
  at: readonly number[],
  c: StageConfig,
  adapter: DialectAdapter,
): { facts: SqlNode; stages: SqlNode[] } {
  const last = Math.max(...at);
  const flags = adapter.hasBitCount && c.engagedDays <= MAX_FLAG_DAYS;
  const aggs: SqlNode[] = [];
  const stages: SqlNode[] = [];
  at.forEach((t, k) => {
    const T = fn.bigint(t);
    const gapFrom = fn.bigint(t - (c.atRiskDays + c.dormantDays) * DAY_MS);
    const gapTo = fn.bigint(t - c.atRiskDays * DAY_MS);
    const engFrom = t - c.engagedDays * DAY_MS;
    const col = (name: string) => text(`${name}${k}`);
    const engaged = sql`act AND ts >= ${fn.bigint(engFrom)} AND ts < ${T}`;
    // The window spans at most engagedDays + 2 local days (DST moves it by an hour at
    // most). The shift is clamped since DuckDB computes it before the FILTER applies.
    const firstDay = localDaySql(fn.bigint(engFrom), timezone, engFrom, engFrom);
    aggs.push(
      sql`${fn.maxIf(text('ts'), sql`act AND ts < ${T}`)} AS ${col('l')}`,
      sql`${fn.countIf(sql`act AND ts >= ${gapFrom} AND ts < ${gapTo}`)} AS ${col('g')}`,
      flags
        ? sql`${fn.bitOrIf(fn.shiftLeft(fn.toBigint(text('1')), sql`greatest(0, least(62, day - ${firstDay}))`), engaged)} AS ${col('d')}`
        : sql`${fn.countDistinctIf(text('day'), engaged)} AS ${col('d')}`,
    );
    const activeDays = flags ? sql`coalesce(${fn.bitCount(col('d'))}, 0)` : col('d');
    const idle = sql`(${T} - coalesce(${col('l')}, fs))`;
    stages.push(sql`CASE WHEN fs >= ${T} THEN ${code.none}
      WHEN ${idle} > ${fn.bigint(c.churnedDays * DAY_MS)} THEN ${code.churned}
      WHEN ${idle} > ${fn.bigint(c.dormantDays * DAY_MS)} THEN ${code.dormant}
      WHEN ${idle} > ${fn.bigint(c.atRiskDays * DAY_MS)} THEN ${code.at_risk}
      WHEN ${col('g')} = 0 AND first_active < ${gapFrom} THEN ${code.resurrected}
      WHEN NOT coalesce(fa < ${T}, ${fn.false}) THEN ${code.new}
      WHEN ${activeDays} >= ${c.engagedMinActiveDays} THEN ${code.engaged}
      ELSE ${code.activated} END AS ${text(`s${k}`)}`);
  });
  // Local day numbers matter only inside some instant's engaged window.
  const day = localDaySql(
    EpochMsNode.create(text('e.timestamp')),
    timezone,
    Math.min(...at) - (c.engagedDays + 1) * DAY_MS,
    last,
  );
  const scan = eventsScan(projectId, last, c, 'merged', sql`, ${day} AS day`);
  const facts = sql`SELECT person, min(ts) AS fs, ${fn.minIf(text('ts'), text('is_activation'))} AS fa,
      ${fn.minIf(text('ts'), text('act'))} AS first_active, ${join(aggs, ', ')}
    FROM (${scan}) x GROUP BY person`;
  return { facts, stages };
}

/**
 * Facts per person as slot masks (see {@link stageSlots}), nothing else: the
 * slots with an active event (`m`), with any event (`seen`, when not every
 * event is active) and with the activation event (`actv`), bit 0 standing for
 * everything before the first cut. First seen, first activity and activation
 * are only ever compared with cut points, so they are mask tests too, and
 * each event feeds two or three bit ORs whatever the number of instants. Bit
 * ORs combine across a merge, so they are taken per stored person and folded
 * into merged persons after ({@link foldMerges}).
 */
function slotFacts(
  projectId: string,
  at: readonly number[],
  c: StageConfig,
  slots: NonNullable<ReturnType<typeof stageSlots>>,
  adapter: DialectAdapter,
): { facts: SqlNode; stages: SqlNode[] } {
  const { slots: layout, instants } = slots;
  const last = Math.max(...at);
  // With every event active, being seen is being active: one mask for both.
  const allActive = c.activeEvents.length === 0;
  const seen = allActive ? 'm' : 'seen';
  const any = (...intervals: CutInterval[]): SqlNode => anyBit(slotMasks(layout, ...intervals));
  const before = (prefix: string, x: number): SqlNode => anyBit(beforeMasks(layout, x), prefix);
  const stages = instants.map((i, k) => {
    // Idle longer than `days`: no activity in the last `days` before T (or, never
    // active before T, first seen longer ago than that).
    const idle = (interval: CutInterval) =>
      allActive
        ? sql`NOT ${any(interval)}`
        : sql`CASE WHEN ${before('m', i.at)} THEN NOT ${any(interval)} ELSE ${before(seen, interval.from)} END`;
    const activeDays = i.engagedDays.map((pieces) => fn.toInteger(any(...pieces)));
    return sql`CASE WHEN NOT ${before(seen, i.at)} THEN ${code.none}
      WHEN ${idle(i.recent.churned)} THEN ${code.churned}
      WHEN ${idle(i.recent.dormant)} THEN ${code.dormant}
      WHEN ${idle(i.recent.atRisk)} THEN ${code.at_risk}
      WHEN NOT ${any(i.gap)} AND ${before('m', i.gap.from)} THEN ${code.resurrected}
      WHEN NOT ${before('actv', i.at)} THEN ${code.new}
      WHEN ${activeDays.length === 0 ? text('0') : join(activeDays, ' + ')} >= ${c.engagedMinActiveDays} THEN ${code.engaged}
      ELSE ${code.activated} END AS ${text(`s${k}`)}`;
  });
  const rows = sql`SELECT person_id, act, is_activation, ${layout.slotOf(text('ts'))} + 1 AS bit
    FROM (${eventsScan(projectId, last, c, 'stored')}) x`;
  const words = (prefix: string, when?: SqlNode) =>
    slotMaskWords(text('bit'), maskBits(layout), when).map(
      (of, w) => ({ name: `${prefix}${w}`, of, merge: 'bitOr' }) as const,
    );
  const facts = foldMerges(
    projectId,
    rows,
    [
      ...words('m', allActive ? undefined : text('act')),
      ...(allActive ? [] : words('seen')),
      ...words('actv', text('is_activation')),
    ],
    adapter,
  );
  return { facts, stages };
}

/**
 * The project's events before `last`: time (ms), active, activation, and
 * `extra` columns, with the merged `person` or the `person_id` they were
 * stored under.
 */
function eventsScan(
  projectId: string,
  last: number,
  c: StageConfig,
  person: 'merged' | 'stored',
  extra?: SqlNode,
): SqlNode {
  const active =
    c.activeEvents.length === 0
      ? fn.true
      : sql`e.event IN (${join(
          c.activeEvents.map((x) => sql`${x}`),
          ', ',
        )})`;
  const bounds = sql`e.project_id = ${projectId} AND e.timestamp < ${InstantNode.create(last)}`;
  const who = person === 'merged' ? sql`${PERSON} AS person` : text('e.person_id AS person_id');
  return sql`SELECT ${who}, ${EpochMsNode.create(text('e.timestamp'))} AS ts, ${active} AS act, e.event = ${c.activationEvent} AS is_activation${extra ?? text('')}
    FROM ${EventsTableNode.create('e', bounds)}${person === 'merged' ? OVERRIDES_JOIN : text('')}
    WHERE ${bounds}`;
}

/**
 * Stage counts per instant and flows between consecutive ones, from per-person
 * facts and stages. Persons are first counted per combination of their stages
 * (a few hundred combinations for a million persons), and only those rows are
 * unnested into one struct per instant (counts, from_stage null) and per pair
 * of consecutive instants (flows).
 */
function countsAndFlows(instants: number, facts: SqlNode, stages: readonly SqlNode[]): SqlNode {
  const s = (k: number) => text(`s${k}`);
  const all = Array.from({ length: instants }, (_, k) => s(k));
  const fields = ['k', 'f', 's'];
  const rows: SqlNode[][] = Array.from({ length: instants }, (_, k) => [
    text(String(k)),
    fn.nullBigint,
    s(k),
  ]);
  for (let k = 1; k < instants; k++) rows.push([text(String(k)), fn.asNullable(s(k - 1)), s(k)]);
  const field = (name: string) => RecordFieldNode.create(text('r'), fields, name);
  return WithNode.create(
    [
      { name: 'f', query: facts },
      {
        name: 'st',
        query: sql`SELECT ${join(all, ', ')}, count(*) AS c FROM (SELECT ${join(stages, ', ')} FROM ${cte('f')}) p GROUP BY ${join(all, ', ')}`,
      },
      {
        name: 'u',
        query: sql`SELECT ${RecordRowsNode.create(fields, rows)} AS r, c FROM ${cte('st')}`,
      },
    ],
    sql`SELECT k, ${nameOf(text('from_code'))} AS from_stage, ${nameOf(text('code'))} AS stage, n FROM (SELECT ${field('k')} AS k, ${field('f')} AS from_code, ${field('s')} AS code, sum(c) AS n
FROM ${cte('u')} WHERE ${field('s')} <> ${code.none} GROUP BY k, from_code, code) g`,
  );
}

/**
 * Stages as small integer codes while persons are counted (cheaper to compute
 * and group than text), named only in the few rows of the result.
 */
const NAMES = ['none', ...STAGES] as const;
const code = Object.fromEntries(NAMES.map((n, i) => [n, fn.bigint(i)])) as Record<
  (typeof NAMES)[number],
  SqlNode
>;
// Searched, not simple CASE: ClickHouse 18.16 answers NULL to `CASE x WHEN …` here.
const nameOf = (x: SqlNode): SqlNode =>
  sql`CASE ${join(
    NAMES.map((n, i) => sql`WHEN ${x} = ${fn.bigint(i)} THEN ${n}`),
    ' ',
  )} END`;

import { compileFor, type PeopleDialect } from '../people/person-scope.js';
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
import { clickhouseAdapter } from '../sql/dialect/clickhouse.js';
import { duckdbAdapter } from '../sql/dialect/duckdb.js';
import { localDaySql } from './local-day.js';
import type { StageConfig } from './stages.js';

const DAY = 86_400_000;

/** Above this, an instant's engaged window no longer fits a BIGINT of day flags. */
const MAX_FLAG_DAYS = 60;

/**
 * Stage counts at each instant of `at`, and the flows between consecutive
 * instants, in one grouped scan. Per person it computes once what does not
 * depend on the instant (first seen, first activation, first activity) and,
 * per instant, only cheap aggregates: the last activity before it, the
 * activity in its gap, and its engaged window's active local days as a BIGINT
 * of day flags (bit i: i days after the window's first day), counted with
 * `bit_count` instead of a `count(DISTINCT day)` per person and instant. The
 * stage is a CASE with the same rules as `stageOf`.
 * Rows: k (index of the instant), from_stage (null for counts, 'none' when
 * not seen yet), stage, n.
 */
export function stageCountsQuery(
  projectId: string,
  timezone: string,
  at: readonly number[],
  c: StageConfig,
  options: { readonly dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  const adapter = options.dialect === 'clickhouse' ? clickhouseAdapter : duckdbAdapter;
  if (at.length === 0) throw new RangeError('no instants');
  const last = Math.max(...at);
  const active =
    c.activeEvents.length === 0
      ? fn.true
      : sql`e.event IN (${join(
          c.activeEvents.map((x) => sql`${x}`),
          ', ',
        )})`;
  const ms = (n: number) => fn.toBigint(text(String(Math.trunc(n))));
  const flags = adapter.hasBitCount && c.engagedDays <= MAX_FLAG_DAYS;
  const aggs: SqlNode[] = [];
  const stages: SqlNode[] = [];
  at.forEach((t, k) => {
    const T = ms(t);
    const gapFrom = ms(t - (c.atRiskDays + c.dormantDays) * DAY);
    const gapTo = ms(t - c.atRiskDays * DAY);
    const engFrom = t - c.engagedDays * DAY;
    const col = (name: string) => text(`${name}${k}`);
    const engaged = sql`act AND ts > ${ms(engFrom)} AND ts < ${T}`;
    // The window spans at most engagedDays + 2 local days (DST moves it by an hour at
    // most). The shift is clamped since DuckDB computes it before the FILTER applies.
    const firstDay = localDaySql(ms(engFrom), timezone, engFrom, engFrom);
    aggs.push(
      sql`${fn.maxIf(text('ts'), sql`act AND ts < ${T}`)} AS ${col('l')}`,
      sql`${fn.countIf(sql`act AND ts >= ${gapFrom} AND ts <= ${gapTo}`)} AS ${col('g')}`,
      flags
        ? sql`${fn.bitOrIf(fn.shiftLeft(fn.toBigint(text('1')), sql`greatest(0, least(62, day - ${firstDay}))`), engaged)} AS ${col('d')}`
        : sql`${fn.countDistinctIf(text('day'), engaged)} AS ${col('d')}`,
    );
    const activeDays = flags ? sql`coalesce(${fn.bitCount(col('d'))}, 0)` : col('d');
    const idle = sql`(${T} - coalesce(${col('l')}, fs))`;
    stages.push(sql`CASE WHEN fs >= ${T} THEN 'none'
      WHEN ${idle} > ${ms(c.churnedDays * DAY)} THEN 'churned'
      WHEN ${idle} > ${ms(c.dormantDays * DAY)} THEN 'dormant'
      WHEN ${idle} > ${ms(c.atRiskDays * DAY)} THEN 'at_risk'
      WHEN ${col('l')} > ${gapTo} AND ${col('g')} = 0 AND first_active < ${gapFrom} THEN 'resurrected'
      WHEN NOT coalesce(fa < ${T}, ${fn.false}) THEN 'new'
      WHEN ${activeDays} >= ${c.engagedMinActiveDays} THEN 'engaged'
      ELSE 'activated' END AS ${text(`s${k}`)}`);
  });
  // Local day numbers matter only inside some instant's engaged window.
  const day = localDaySql(
    EpochMsNode.create(text('e.timestamp')),
    timezone,
    Math.min(...at) - (c.engagedDays + 1) * DAY,
    last,
  );
  const bounds = sql`e.project_id = ${projectId} AND e.timestamp < ${InstantNode.create(last)}`;
  const scan = sql`SELECT ${PERSON} AS person, ${EpochMsNode.create(text('e.timestamp'))} AS ts, ${active} AS act, e.event = ${c.activationEvent} AS is_activation, ${day} AS day
    FROM ${EventsTableNode.create('e', bounds)}${OVERRIDES_JOIN}
    WHERE ${bounds}`;
  const facts = sql`SELECT person, min(ts) AS fs, ${fn.minIf(text('ts'), text('is_activation'))} AS fa,
      ${fn.minIf(text('ts'), text('act'))} AS first_active, ${join(aggs, ', ')}
    FROM (${scan}) x GROUP BY person`;
  // One row per person and count or flow, grouped once: a struct per instant
  // (counts, from_stage null) and per pair of consecutive instants (flows).
  const s = (k: number) => text(`s${k}`);
  const fields = ['k', 'f', 's'];
  const rows: SqlNode[][] = at.map((_, k) => [text(String(k)), fn.nullText, s(k)]);
  for (let k = 1; k < at.length; k++) rows.push([text(String(k)), fn.asNullable(s(k - 1)), s(k)]);
  const field = (name: string) => RecordFieldNode.create(text('r'), fields, name);
  return compileFor(
    options.dialect,
    WithNode.create(
      [
        { name: 'f', query: facts },
        { name: 'st', query: sql`SELECT ${join(stages, ', ')} FROM ${cte('f')}` },
        {
          name: 'u',
          query: sql`SELECT ${RecordRowsNode.create(fields, rows)} AS r FROM ${cte('st')}`,
        },
      ],
      sql`SELECT ${field('k')} AS k, ${field('f')} AS from_stage, ${field('s')} AS stage, count(*) AS n
FROM ${cte('u')} WHERE ${field('s')} <> 'none' GROUP BY k, from_stage, stage`,
    ),
  );
}

import { compileDuckDb } from '../people/person-scope.js';
import { PERSON } from '../plan/source.js';
import { InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
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
): CompiledQuery {
  if (at.length === 0) throw new RangeError('no instants');
  const last = Math.max(...at);
  const active =
    c.activeEvents.length === 0
      ? text('true')
      : sql`e.event IN (${join(
          c.activeEvents.map((x) => sql`${x}`),
          ', ',
        )})`;
  const ms = (n: number) => text(`${Math.trunc(n)}::BIGINT`);
  const flags = c.engagedDays <= MAX_FLAG_DAYS;
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
      sql`max(ts) FILTER (WHERE act AND ts < ${T}) AS ${col('l')}`,
      sql`count(*) FILTER (WHERE act AND ts >= ${gapFrom} AND ts <= ${gapTo}) AS ${col('g')}`,
      flags
        ? sql`bit_or(1::BIGINT << greatest(0, least(62, day - ${firstDay}))) FILTER (WHERE ${engaged}) AS ${col('d')}`
        : sql`count(DISTINCT day) FILTER (WHERE ${engaged}) AS ${col('d')}`,
    );
    const activeDays = flags ? sql`coalesce(bit_count(${col('d')}), 0)` : col('d');
    const idle = sql`(${T} - coalesce(${col('l')}, fs))`;
    stages.push(sql`CASE WHEN fs >= ${T} THEN 'none'
      WHEN ${idle} > ${ms(c.churnedDays * DAY)} THEN 'churned'
      WHEN ${idle} > ${ms(c.dormantDays * DAY)} THEN 'dormant'
      WHEN ${idle} > ${ms(c.atRiskDays * DAY)} THEN 'at_risk'
      WHEN ${col('l')} > ${gapTo} AND ${col('g')} = 0 AND first_active < ${gapFrom} THEN 'resurrected'
      WHEN NOT coalesce(fa < ${T}, false) THEN 'new'
      WHEN ${activeDays} >= ${c.engagedMinActiveDays} THEN 'engaged'
      ELSE 'activated' END AS ${text(`s${k}`)}`);
  });
  // Local day numbers matter only inside some instant's engaged window.
  const day = localDaySql(
    text('epoch_ms(e.timestamp)'),
    timezone,
    Math.min(...at) - (c.engagedDays + 1) * DAY,
    last,
  );
  const scan = sql`SELECT ${PERSON} AS person, epoch_ms(e.timestamp) AS ts, ${active} AS act, e.event = ${c.activationEvent} AS is_activation, ${day} AS day
    FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
    WHERE e.project_id = ${projectId} AND e.timestamp < ${InstantNode.create(last)}`;
  const facts = sql`SELECT person, min(ts) AS fs, min(ts) FILTER (WHERE is_activation) AS fa,
      min(ts) FILTER (WHERE act) AS first_active, ${join(aggs, ', ')}
    FROM (${scan}) x GROUP BY person`;
  // One row per person and count or flow, grouped once: a struct per instant
  // (counts, from_stage null) and per pair of consecutive instants (flows).
  const s = (k: number) => text(`s${k}`);
  const rows: SqlNode[] = at.map(
    (_, k) => sql`{k: ${text(String(k))}, f: NULL::VARCHAR, s: ${s(k)}}`,
  );
  for (let k = 1; k < at.length; k++)
    rows.push(sql`{k: ${text(String(k))}, f: ${s(k - 1)}, s: ${s(k)}}`);
  return compileDuckDb(sql`WITH f AS (${facts}),
st AS (SELECT ${join(stages, ', ')} FROM f),
u AS (SELECT unnest([${join(rows, ', ')}]) AS r FROM st)
SELECT struct_extract(r, 'k') AS k, struct_extract(r, 'f') AS from_stage, struct_extract(r, 's') AS stage, count(*) AS n
FROM u WHERE struct_extract(r, 's') <> 'none' GROUP BY 1, 2, 3`);
}

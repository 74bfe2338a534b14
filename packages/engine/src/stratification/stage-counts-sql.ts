import { compileDuckDb } from '../people/person-scope.js';
import { PERSON } from '../plan/source.js';
import { InstantNode, LocalTimeNode, type SqlNode, TimeBucketNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import type { StageConfig } from './stages.js';

const DAY = 86_400_000;

/**
 * Stage counts at each instant of `at`, and the flows between consecutive
 * instants, in one scan: per person, the {@link StageFacts} for every instant
 * as filtered aggregates, the stage as a CASE (the same rules as `stageOf`).
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
  const aggs: SqlNode[] = [];
  const stages: SqlNode[] = [];
  at.forEach((t, k) => {
    const T = InstantNode.create(t);
    const gapFrom = InstantNode.create(t - (c.atRiskDays + c.dormantDays) * DAY);
    const gapTo = InstantNode.create(t - c.atRiskDays * DAY);
    const engFrom = InstantNode.create(t - c.engagedDays * DAY);
    const col = (name: string) => text(`${name}${k}`);
    aggs.push(
      sql`min(ts) FILTER (WHERE ts < ${T}) AS ${col('f')}`,
      sql`max(ts) FILTER (WHERE act AND ts < ${T}) AS ${col('l')}`,
      sql`bool_or(is_activation AND ts < ${T}) AS ${col('a')}`,
      sql`count(*) FILTER (WHERE act AND ts >= ${gapFrom} AND ts <= ${gapTo}) AS ${col('g')}`,
      sql`bool_or(act AND ts < ${gapFrom}) AS ${col('b')}`,
      sql`count(DISTINCT day) FILTER (WHERE act AND ts > ${engFrom} AND ts < ${T}) AS ${col('d')}`,
    );
    // Epoch milliseconds: an interval between instants would be cut into days and hours.
    const idle = sql`(${t}::BIGINT - epoch_ms(coalesce(${col('l')}, ${col('f')})))`;
    const days = (n: number) => text(`${Math.trunc(n * DAY)}::BIGINT`);
    stages.push(sql`CASE WHEN ${col('f')} IS NULL THEN 'none'
      WHEN ${idle} > ${days(c.churnedDays)} THEN 'churned'
      WHEN ${idle} > ${days(c.dormantDays)} THEN 'dormant'
      WHEN ${idle} > ${days(c.atRiskDays)} THEN 'at_risk'
      WHEN ${col('l')} > ${gapTo} AND ${col('g')} = 0 AND coalesce(${col('b')}, false) THEN 'resurrected'
      WHEN NOT coalesce(${col('a')}, false) THEN 'new'
      WHEN ${col('d')} >= ${c.engagedMinActiveDays} THEN 'engaged'
      ELSE 'activated' END AS ${text(`s${k}`)}`);
  });
  const day = TimeBucketNode.create('day', LocalTimeNode.create(text('e.timestamp'), timezone));
  const scan = sql`SELECT ${PERSON} AS person, e.timestamp AS ts, ${active} AS act, e.event = ${c.activationEvent} AS is_activation, ${day} AS day
    FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
    WHERE e.project_id = ${projectId} AND e.timestamp < ${InstantNode.create(last)}`;
  const parts: SqlNode[] = at.map(
    (_, k) =>
      sql`SELECT ${k} AS k, NULL AS from_stage, ${text(`s${k}`)} AS stage, count(*) AS n FROM st WHERE ${text(`s${k}`)} <> 'none' GROUP BY 3`,
  );
  for (let k = 1; k < at.length; k++)
    parts.push(
      sql`SELECT ${k} AS k, ${text(`s${k - 1}`)} AS from_stage, ${text(`s${k}`)} AS stage, count(*) AS n FROM st WHERE ${text(`s${k}`)} <> 'none' GROUP BY 2, 3`,
    );
  // The per-person stages are materialised once and read by every part.
  return compileDuckDb(sql`WITH f AS MATERIALIZED (SELECT person, ${join(aggs, ', ')} FROM (${scan}) x GROUP BY person),
st AS MATERIALIZED (SELECT person, ${join(stages, ', ')} FROM f)
${join(parts, ' UNION ALL ')}`);
}

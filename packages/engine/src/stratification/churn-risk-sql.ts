import { compileFor, type PeopleDialect } from '../people/person-scope.js';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, EventsTableNode, InstantNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';

/**
 * Churn risk: a person's activity in the last `recentDays` against their own
 * rate over the `baselineDays` before that. Flagged when the baseline has at
 * least `minBaselineEvents` and the recent daily rate fell by at least `drop`
 * (0–1). Columns: id, baseline, recent, last_active (ms), change (fraction).
 */
export interface ChurnRiskSpec {
  readonly projectId: string;
  readonly asOf: number;
  readonly activeEvents: readonly string[];
  readonly recentDays: number;
  readonly baselineDays: number;
  readonly minBaselineEvents: number;
  readonly drop: number;
  readonly limit: number;
  /** The event store's engine (default DuckDB). */
  readonly dialect?: PeopleDialect | undefined;
}

export function churnRiskQuery(s: ChurnRiskSpec): CompiledQuery {
  const DAY = 86_400_000;
  const recentFrom = InstantNode.create(s.asOf - s.recentDays * DAY);
  const baseFrom = InstantNode.create(s.asOf - (s.recentDays + s.baselineDays) * DAY);
  const names =
    s.activeEvents.length === 0
      ? fn.true
      : sql`e.event IN (${join(
          s.activeEvents.map((x) => sql`${x}`),
          ', ',
        )})`;
  const recentRate = sql`(recent / ${fn.toDouble(sql`${s.recentDays}`)})`;
  const baseRate = sql`(baseline / ${fn.toDouble(sql`${s.baselineDays}`)})`;
  const scan = sql`e.project_id = ${s.projectId} AND ${names} AND e.timestamp > ${baseFrom} AND e.timestamp <= ${InstantNode.create(s.asOf)}`;
  const a = sql`SELECT ${PERSON} AS person,
    ${fn.countIf(sql`e.timestamp <= ${recentFrom}`)} AS baseline,
    ${fn.countIf(sql`e.timestamp > ${recentFrom}`)} AS recent,
    ${EpochMsNode.create(text('max(e.timestamp)'))} AS last_active
  FROM ${EventsTableNode.create('e', scan)}${OVERRIDES_JOIN}
  WHERE ${scan}
  GROUP BY person`;
  return compileFor(
    s.dialect,
    sql`SELECT ${fn.toText(text('person'))} AS id, baseline, recent, last_active, (${recentRate} - ${baseRate}) / ${baseRate} AS change
FROM (${a}) a WHERE baseline >= ${s.minBaselineEvents} AND ${recentRate} <= ${baseRate} * ${1 - s.drop}
ORDER BY change, baseline DESC, id LIMIT ${s.limit}`,
  );
}

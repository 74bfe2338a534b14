import { compileDuckDb } from '../people/person-scope.js';
import { PERSON } from '../plan/source.js';
import { InstantNode } from '../sql/ast/nodes.js';
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
}

export function churnRiskQuery(s: ChurnRiskSpec): CompiledQuery {
  const DAY = 86_400_000;
  const recentFrom = InstantNode.create(s.asOf - s.recentDays * DAY);
  const baseFrom = InstantNode.create(s.asOf - (s.recentDays + s.baselineDays) * DAY);
  const names =
    s.activeEvents.length === 0
      ? text('true')
      : sql`e.event IN (${join(
          s.activeEvents.map((x) => sql`${x}`),
          ', ',
        )})`;
  const recentRate = sql`(recent / ${s.recentDays}::DOUBLE)`;
  const baseRate = sql`(baseline / ${s.baselineDays}::DOUBLE)`;
  return compileDuckDb(sql`WITH a AS (SELECT ${PERSON} AS person,
    count(*) FILTER (WHERE e.timestamp <= ${recentFrom}) AS baseline,
    count(*) FILTER (WHERE e.timestamp > ${recentFrom}) AS recent,
    epoch_ms(max(e.timestamp)) AS last_active
  FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = ${s.projectId} AND ${names} AND e.timestamp > ${baseFrom} AND e.timestamp <= ${InstantNode.create(s.asOf)}
  GROUP BY 1)
SELECT person::VARCHAR AS id, baseline, recent, last_active, (${recentRate} - ${baseRate}) / ${baseRate} AS change
FROM a WHERE baseline >= ${s.minBaselineEvents} AND ${recentRate} <= ${baseRate} * ${1 - s.drop}
ORDER BY change, baseline DESC, id LIMIT ${s.limit}`);
}

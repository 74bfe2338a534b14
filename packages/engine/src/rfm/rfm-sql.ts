import { compileDuckDb } from '../people/person-scope.js';
import { asDouble, propertyText } from '../plan/properties.js';
import { PERSON } from '../plan/source.js';
import { InstantNode } from '../sql/ast/nodes.js';
import { sql } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import type { RfmConfig } from './tiers.js';

/**
 * Per person with a revenue event in the window: last (epoch ms), frequency,
 * monetary, and quintile scores r, f, m (1–5, 5 best; ties broken by person
 * id so scores are stable). Rows sorted by person id.
 */
export function rfmScoresQuery(projectId: string, asOf: number, c: RfmConfig): CompiledQuery {
  const amount = asDouble(
    propertyText({ eventAlias: 'e', personProperties: undefined }, 'event', c.revenueProperty),
  );
  return compileDuckDb(sql`WITH p AS (SELECT ${PERSON} AS person, max(e.timestamp) AS last, count(*) AS frequency, coalesce(sum(coalesce(${amount}, 0)), 0) AS monetary
  FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
  WHERE e.project_id = ${projectId} AND e.event = ${c.revenueEvent} AND e.timestamp > ${InstantNode.create(asOf - c.windowDays * 86_400_000)} AND e.timestamp <= ${InstantNode.create(asOf)}
  GROUP BY 1)
SELECT person::VARCHAR AS id, epoch_ms(last) AS last, frequency, monetary,
  ntile(5) OVER (ORDER BY last, person) AS r,
  ntile(5) OVER (ORDER BY frequency, person) AS f,
  ntile(5) OVER (ORDER BY monetary, person) AS m
FROM p ORDER BY person`);
}

import { cte, fn } from '../sql/ast/functions.js';
import { MergedPersonNode, OverridesJoinNode, type SqlNode, WithNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { DialectAdapter } from '../sql/dialect/adapter.js';

/** How two persons' partial aggregates combine into the merged person's. */
export type FoldMerge = 'min' | 'max' | 'sum' | 'bitOr';

/** An aggregate per person that survives a merge: computed per stored person, then combined. */
export interface FoldAggregate {
  readonly name: string;
  /** The aggregate over the rows of one stored person. */
  readonly of: SqlNode;
  readonly merge: FoldMerge;
}

const combine = (merge: FoldMerge, x: SqlNode): SqlNode => {
  switch (merge) {
    case 'min':
      return sql`min(${x})`;
    case 'max':
      return sql`max(${x})`;
    case 'sum':
      return sql`sum(${x})`;
    case 'bitOr':
      return fn.bitOrAgg(x);
  }
};

/**
 * Aggregates per merged person, grouped first by the person each event was
 * stored under and only then folded through `person_overrides`: the hash
 * aggregate keys on the stored id, so the events need no join with the
 * overrides, and only the stored persons that merges touched (a few percent)
 * are looked up and combined, where a per-event join would touch every row.
 * Exact for aggregates that combine (min, max, sum, bit or), not for distinct
 * counts.
 *
 * `rows` (of project `projectId` only) must select `person_id` (the stored
 * person) and what the aggregates read. The rows are `person` and one column
 * per aggregate.
 */
export function foldMerges(
  projectId: string,
  rows: SqlNode,
  aggregates: readonly FoldAggregate[],
  adapter: DialectAdapter,
): SqlNode {
  // Partial columns get their own names: ClickHouse resolves a select alias
  // before a source column, so `min(fs) AS fs` would read itself.
  const part = (a: FoldAggregate) => text(`${a.name}_p`);
  // Keyed on the stored id alone: the rows are of one project.
  const perStored = sql`SELECT ${projectId} AS project_id, person_id, ${join(
    aggregates.map((a) => sql`${a.of} AS ${part(a)}`),
    ', ',
  )} FROM (${rows}) x GROUP BY person_id`;
  const folded = (from: SqlNode) =>
    sql`SELECT ${MergedPersonNode.create('r', 'o')} AS person, ${join(
      aggregates.map((a) => sql`${combine(a.merge, sql`r.${part(a)}`)} AS ${text(a.name)}`),
      ', ',
    )} FROM ${from}${OverridesJoinNode.create('r', 'o')}`;
  if (!adapter.sharesWithTables)
    // One pass: every stored person goes through the lookup (no join on this engine).
    return sql`${folded(sql`(${perStored}) r`)} GROUP BY person`;
  const moved = sql`SELECT old_person_id AS p FROM person_overrides WHERE project_id = ${projectId}
    UNION ALL SELECT person_id FROM person_overrides WHERE project_id = ${projectId}`;
  return WithNode.create(
    [
      { name: 'stored', query: perStored },
      { name: 'moved', query: moved },
    ],
    sql`SELECT person_id AS person, ${join(
      aggregates.map((a) => sql`${part(a)} AS ${text(a.name)}`),
      ', ',
    )} FROM ${cte('stored')} WHERE person_id NOT IN (SELECT p FROM ${cte('moved')})
    UNION ALL ${folded(cte('stored', 'r'))} WHERE r.person_id IN (SELECT p FROM ${cte('moved')}) GROUP BY person`,
  );
}

import type { EventsPart, SqlNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { PlanContext } from './context.js';
import { SORTED_PERSON_NUMBER } from './source.js';

/**
 * The three statements of a funnel over a store whose events are in two parts
 * (`DialectAdapter.personOrderedEvents`):
 * - `divert`: the persons merged since the compaction (old id → new, and the
 *   new one itself): their rows of the sorted part are apart, so the grouping
 *   pass takes all their rows;
 * - `recent`: the recent part's events, sorted by (merged) person, merged
 *   into the runs;
 * - `runs`: the sorted part in table order, folded person by person.
 * Every person is counted by exactly one of the two passes, from all their events.
 */
export function personRunsPlan(
  ctx: PlanContext,
  parts: {
    readonly flatOf: (events: SqlNode) => SqlNode;
    readonly source: (part?: EventsPart, where?: readonly SqlNode[]) => SqlNode;
  },
): {
  readonly divert: SqlNode;
  readonly recent: SqlNode;
  readonly runs: readonly SqlNode[];
} {
  const p = ctx.projectId;
  // Overrides the compaction did not squash: they point stored persons of the sorted part elsewhere.
  const newOverrides = sql`FROM person_overrides n WHERE n.project_id = ${p} AND n.old_person_id NOT IN (SELECT s.old_person_id FROM squashed_overrides s WHERE s.project_id = ${p})`;
  // A person's number in the sorted part (0 when it has none).
  const numberOf = (person: SqlNode) =>
    sql`LEFT JOIN sorted_persons sp ON sp.project_id = ${p} AND sp.person_id = ${person}`;
  const pairs = sql`SELECT DISTINCT pid, merged FROM (SELECT n.person_id AS pid, n.person_id AS merged ${newOverrides} UNION ALL SELECT n.old_person_id AS pid, n.person_id AS merged ${newOverrides}) d`;
  return {
    divert: sql`SELECT d.pid, d.merged, coalesce(sp.person_idx, 0) AS idx FROM (${pairs}) d ${numberOf(text('d.pid'))}`,
    recent: sql`SELECT f.*, coalesce(sp.person_idx, 0) AS idx FROM (${parts.flatOf(parts.source('recent'))}) f ${numberOf(text('f.person'))} ORDER BY idx = 0, idx, f.person`,
    runs: runSlices(ctx.sortedPersons ?? 0).map((where) =>
      parts.flatOf(parts.source('sorted', where)),
    ),
  };
}

/** Persons per slice of the sorted part, and at most this many slices. */
const SLICE_PERSONS = 250_000;
const MAX_SLICES = 4;

/**
 * The sorted part cut by person number into slices, each read in table order:
 * the store runs the next slice's statement while this thread folds the
 * previous one's rows. The first and last slices are open-ended, so that the
 * slices cover every number even if a compaction renumbered in between.
 */
function runSlices(persons: number): SqlNode[][] {
  const k = Math.min(MAX_SLICES, Math.max(1, Math.ceil(persons / SLICE_PERSONS)));
  const bound = (j: number) => Math.floor((j * persons) / k);
  return Array.from({ length: k }, (_, j) => [
    ...(j > 0 ? [sql`${SORTED_PERSON_NUMBER} > ${bound(j)}`] : []),
    ...(j < k - 1 ? [sql`${SORTED_PERSON_NUMBER} <= ${bound(j + 1)}`] : []),
  ]);
}

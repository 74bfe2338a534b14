import type { Filter } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import {
  type EventsPart,
  EventsTableNode,
  InstantNode,
  MergedPersonNode,
  OverridesJoinNode,
  type SqlNode,
} from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { PlanContext } from './context.js';
import { filterReadsPerson, filterSql, needsPersonProperties } from './filter-sql.js';
import type { PropertyScope } from './properties.js';

/** The current (merged) person of event `e`: overrides are kept flat, so one join suffices. */
export const PERSON = MergedPersonNode.create('e', 'o');
/** The join {@link PERSON} reads (nothing on engines that look merged persons up). */
export const OVERRIDES_JOIN = OverridesJoinNode.create('e', 'o');
export const EVENT_SCOPE_ALIAS = 'e';
/** The person of event `e` as stored: the merged one in the sorted part (see `SourceSpec.part`). */
export const STORED_PERSON = text('e.person_id');

/** The person's number in the sorted part (ascending through it; see `SourceSpec.part`). */
export const SORTED_PERSON_NUMBER = text('e.person_idx');

/** The merged person of an event of `part`. */
export const personOf = (part: EventsPart | undefined): SqlNode =>
  part === 'sorted' ? STORED_PERSON : PERSON;

export interface SourceSpec {
  readonly ctx: PlanContext;
  readonly fromMs: number;
  readonly toMs: number;
  /** Only these event names (undefined: every event). */
  readonly events?: readonly string[] | undefined;
  readonly filters?: Filter | undefined;
  /** Whether anything reads person properties (adds a join on persons). */
  readonly personProperties: boolean;
  /**
   * Rows keep the person they were stored under (`e.person_id`) and skip the
   * overrides join, for callers that aggregate per stored person and fold
   * merges after ({@link foldMerges}). Only where nothing reads the person.
   */
  readonly storedPersons?: boolean | undefined;
  /**
   * Which part of the events to read (default all). The sorted part has its
   * merges squashed: it is read without the overrides join, for callers that
   * leave out the persons merged since its compaction.
   */
  readonly part?: EventsPart | undefined;
  /** More conditions for the WHERE, over the scope's aliases. */
  readonly where?: readonly SqlNode[] | undefined;
  /** Named expressions to select, built against the scope. */
  readonly columns: (scope: PropertyScope) => Readonly<Record<string, SqlNode>>;
}

/**
 * One row per matching event with its merged person, over `[fromMs, toMs)` of
 * the project. Person properties come from the newest version of the person row.
 */
export function eventsSource(spec: SourceSpec): SqlNode {
  const personJoin = spec.personProperties || needsPersonProperties(spec.filters);
  if (spec.storedPersons && (personJoin || filterReadsPerson(spec.filters)))
    throw new Error('stored persons: the filters or columns read the merged person');
  const scope: PropertyScope = {
    eventAlias: EVENT_SCOPE_ALIAS,
    personProperties: personJoin ? text('pp.properties') : undefined,
  };
  const cols = Object.entries(spec.columns(scope)).map(
    ([name, node]) => sql`${node} AS ${text(name)}`,
  );
  const where: SqlNode[] = [
    sql`e.project_id = ${spec.ctx.projectId}`,
    sql`e.timestamp >= ${InstantNode.create(spec.fromMs)}`,
    sql`e.timestamp < ${InstantNode.create(spec.toMs)}`,
  ];
  const part = spec.part ?? 'all';
  if (spec.events) {
    const names = join(
      [...new Set(spec.events)].map((ev) => sql`${ev}`),
      ', ',
    );
    where.push(
      spec.events.length === 0
        ? fn.false
        : // The sorted part is read for its order: DuckDB turns IN lists of
          // five values or more into a join, which does not keep it.
          part === 'sorted' && spec.events.length > 4
          ? fn.listHas(sql`[${names}]`, text('e.event'))
          : sql`e.event IN (${names})`,
    );
  }
  const person = personOf(part);
  const events = EventsTableNode.create('e', join([...where], ' AND '), part);
  where.push(...(spec.where ?? []));
  if (spec.filters) {
    where.push(
      sql`coalesce(${filterSql(spec.filters, { scope, projectId: spec.ctx.projectId, asOf: spec.ctx.now, person })}, ${fn.false})`,
    );
  }
  const persons = personJoin
    ? sql` LEFT JOIN (SELECT id, ${fn.argMax(text('properties'), text('version'))} AS properties FROM persons WHERE project_id = ${spec.ctx.projectId} GROUP BY id) pp ON pp.id = ${person}`
    : text('');
  const overrides = spec.storedPersons || part === 'sorted' ? text('') : OVERRIDES_JOIN;
  return sql`SELECT ${join(cols, ', ')} FROM ${events}${overrides}${persons} WHERE ${join(where, ' AND ')}`;
}

/** `and` of the query's filters and a step's own, skipping absent ones. */
export function andFilters(...fs: (Filter | undefined)[]): Filter | undefined {
  const present = fs.filter((f): f is Filter => f !== undefined);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : { and: present };
}

import type { Filter } from '@opsloop/schema';
import type { DialectAdapter } from '../sql/dialect/adapter.js';
import { duckdbAdapter } from '../sql/dialect/duckdb.js';

/**
 * A segment as the planner needs it: a dynamic segment's saved Filter, or a
 * static segment's member person ids (current, merged ids).
 */
export type ResolvedSegment =
  | { readonly kind: 'dynamic'; readonly filter: Filter }
  | { readonly kind: 'static'; readonly personIds: readonly string[] };

/** What every planner needs besides the query itself. */
export interface PlanContext {
  readonly projectId: string;
  /** IANA zone in which dates are read and buckets cut. */
  readonly timezone: string;
  /** Epoch ms of "now"; behavioural conditions count back from `asOf` or this. */
  readonly now: number;
  /**
   * Segments a query's `{segment: id}` conditions may name, loaded by the
   * caller (see `segmentIdsOf`). A segment missing here is a 400 naming it.
   */
  readonly segments?: ReadonlyMap<string, ResolvedSegment> | undefined;
  /** What the target engine can do; planners pick a query shape by it (default DuckDB). */
  readonly adapter?: DialectAdapter | undefined;
  /**
   * How many persons the store's sorted part numbers (`DialectAdapter.personOrderedEvents`),
   * when the caller knows: funnels then cut its runs into slices by number, so that one
   * slice is folded while the engine runs the next.
   */
  readonly sortedPersons?: number | undefined;
}

/** The engine a plan is for. */
export const adapterOf = (ctx: PlanContext): DialectAdapter => ctx.adapter ?? duckdbAdapter;

/** A query the planner cannot answer (yet); the route turns it into a 400 naming `path`. */
export class QueryPlanError extends Error {
  override readonly name = 'QueryPlanError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

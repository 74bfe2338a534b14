/** What every planner needs besides the query itself. */
export interface PlanContext {
  readonly projectId: string;
  /** IANA zone in which dates are read and buckets cut. */
  readonly timezone: string;
  /** Epoch ms of "now"; behavioural conditions count back from `asOf` or this. */
  readonly now: number;
}

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

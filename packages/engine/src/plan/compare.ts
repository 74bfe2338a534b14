import { previousRange, type ResolvedRange } from '../time/date-range.js';
import type { PlanContext } from './context.js';
import type { Plan } from './plan.js';

/**
 * `compare` answered by two statements: `plan` plans a query without
 * `compare` over a range, once for `range` and once for the range of the same
 * length before it; `attach` puts the previous period's result into the
 * current one.
 */
export function planBothPeriods<R>(
  ctx: PlanContext,
  range: ResolvedRange,
  plan: (range: ResolvedRange) => Plan<R>,
  attach: (current: R, previous: R) => R,
): Plan<R> {
  return {
    ...plan(range),
    previous: { plan: plan(previousRange(range, ctx.timezone)), attach },
  };
}

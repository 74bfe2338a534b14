import type { PersonEvents } from './person-events.js';

/**
 * Orders breakdown values for attribution ties: strings by code unit, null
 * last. The reference implementation uses the same order.
 */
export function compareBreakdownValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * The group of a person under an event-property breakdown ("first touch"):
 * the value on their earliest in-range event that can start the funnel (one
 * matching step 1; any step for unordered funnels), the lowest value at equal
 * times. Each event's value id is its tag; `values` maps ids to values.
 * Undefined when no event can start the funnel (the person counts nowhere).
 */
export function attributedGroup(
  ev: PersonEvents,
  opts: { readonly anyStep: boolean; readonly values: readonly (string | null)[] },
): number | undefined {
  let best: number | undefined;
  let bestT = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ev.n; i++) {
    const steps = ev.steps[i] ?? 0;
    if (ev.inRange[i] !== 1 || (opts.anyStep ? steps === 0 : (steps & 1) === 0)) continue;
    const t = ev.t[i] ?? 0;
    const tag = ev.tags[i] ?? 0;
    if (
      best === undefined ||
      t < bestT ||
      (t === bestT &&
        compareBreakdownValues(opts.values[tag] ?? null, opts.values[best] ?? null) < 0)
    ) {
      best = tag;
      bestT = t;
    }
  }
  return best;
}

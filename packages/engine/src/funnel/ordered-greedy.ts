import type { PersonEvents } from './person-events.js';

/** The parts of a funnel the greedy pass needs. */
export interface GreedySpec {
  readonly stepCount: number;
  readonly windowMs: number;
}

/** Returned when the greedy pass cannot decide and the exact search must run. */
export const UNDECIDED = -1;

const isMulti = (mask: number) => (mask & (mask - 1)) !== 0;
/** Lowest step an event matches: within a tie group events are taken in step order. */
const lowBit = (mask: number) => mask & -mask;

/**
 * Ordered funnels (not strict, no exclusions) in one pass, as ClickHouse's
 * `windowFunnel`: walking the events in time order, `start[j]` is the latest
 * start of any chain that reached step j so far. The latest start dominates
 * (its window ends last), so an event matching step j extends the chain in
 * `start[j-1]` when it is within the window; steps are visited from the
 * highest down so that one event never serves two steps of the same chain.
 *
 * Events sharing a timestamp may be chained in any order; sorting each tie
 * group by step makes every chain a subsequence of the walk. That breaks when
 * a tie group holds an event matching several steps (which step it should
 * serve is a matching problem): such persons return {@link UNDECIDED}.
 *
 * Fills `times` with the reported chain (latest start, then earliest times
 * step by step: the leftmost subsequence from the first start event at that
 * time) and returns the level.
 */
export function orderedGreedy(
  ev: PersonEvents,
  spec: GreedySpec,
  start: Float64Array,
  times: Float64Array,
): number {
  const { t, steps, inRange } = ev;
  const order = ev.order;
  let m = 0;
  for (let i = 0; i < ev.n; i++) if (steps[i] !== 0) order[m++] = i;
  sortByTimeThenStep(order, m, t, steps);
  for (let k = 1; k < m; k++) {
    const a = order[k - 1] ?? 0;
    const b = order[k] ?? 0;
    if (t[a] === t[b] && (isMulti(steps[a] ?? 0) || isMulti(steps[b] ?? 0))) return UNDECIDED;
  }
  const W = spec.windowMs;
  const none = Number.NEGATIVE_INFINITY;
  start.fill(none, 0, spec.stepCount);
  for (let k = 0; k < m; k++) {
    const i = order[k] ?? 0;
    const ti = t[i] ?? 0;
    let bits = (steps[i] ?? 0) & ~1;
    while (bits !== 0) {
      const j = 31 - Math.clz32(bits);
      bits ^= 1 << j;
      const prev = start[j - 1] ?? none;
      if (prev !== none && ti - prev <= W && prev > (start[j] ?? none)) start[j] = prev;
    }
    if ((steps[i] ?? 0) & 1 && inRange[i] === 1) start[0] = ti;
  }
  let level = 0;
  for (let j = 0; j < spec.stepCount; j++) if ((start[j] ?? none) !== none) level = j + 1;
  if (level === 0) return 0;
  const s = start[level - 1] ?? 0;
  let k = 0;
  for (; k < m; k++) {
    const i = order[k] ?? 0;
    if (t[i] === s && (steps[i] ?? 0) & 1 && inRange[i] === 1) break;
  }
  times[0] = s;
  let step = 1;
  for (k++; k < m && step < level; k++) {
    const i = order[k] ?? 0;
    if ((t[i] ?? 0) > s + W) break;
    if ((steps[i] ?? 0) & (1 << step)) times[step++] = t[i] ?? 0;
  }
  return level;
}

/** Indices by (time, lowest step); insertion sort for the usual handful of events. */
function sortByTimeThenStep(order: Int32Array, m: number, t: Float64Array, steps: Int32Array) {
  const before = (a: number, b: number) =>
    (t[a] ?? 0) < (t[b] ?? 0) ||
    ((t[a] ?? 0) === (t[b] ?? 0) && lowBit(steps[a] ?? 0) < lowBit(steps[b] ?? 0));
  if (m > 32) {
    const sorted = Array.from(order.subarray(0, m)).sort((a, b) =>
      before(a, b) ? -1 : before(b, a) ? 1 : 0,
    );
    order.set(sorted);
    return;
  }
  for (let k = 1; k < m; k++) {
    const x = order[k] ?? 0;
    let j = k - 1;
    while (j >= 0 && before(x, order[j] ?? 0)) {
      order[j + 1] = order[j] ?? 0;
      j--;
    }
    order[j + 1] = x;
  }
}

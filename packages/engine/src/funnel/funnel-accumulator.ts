import { orderedGreedy, UNDECIDED } from './ordered-greedy.js';
import { PersonEvents } from './person-events.js';
import { type FunnelSpec, type PersonEvent, personFunnel } from './person-funnel.js';

/** Persons ending at each level, and the step-to-step gaps (seconds) of their reported chains. */
export interface FunnelTally {
  /** levels[k]: persons whose longest chain has k steps. */
  readonly levels: number[];
  /** gaps[k]: t(e_k) − t(e_k−1) in seconds, one per person who reached step k (0-based). */
  readonly gaps: number[][];
}

/**
 * Folds persons into per-breakdown tallies. Fill `next()` with a person's
 * events (any order), then call `add(group)`; or pass events of your own. Ordered funnels without
 * exclusions take the greedy pass; the rest, and the rare tie groups it
 * cannot decide, take the exact search.
 */
export class FunnelAccumulator {
  readonly tallies = new Map<string | null, FunnelTally>();
  /** Persons the greedy pass could not decide (for benchmarks and tests). */
  exactSearches = 0;
  private readonly events = new PersonEvents();
  private readonly start: Float64Array;
  private readonly times: Float64Array;
  private readonly greedy: boolean;

  constructor(private readonly spec: FunnelSpec) {
    this.start = new Float64Array(spec.stepCount);
    this.times = new Float64Array(spec.stepCount);
    this.greedy = spec.order === 'ordered' && spec.exclusions.length === 0;
  }

  next(): PersonEvents {
    return this.events.clear();
  }

  /** Tallies one person: their events (any order; `next()`'s by default) and breakdown value. */
  add(group: string | null, events: PersonEvents = this.events): void {
    if (this.greedy) {
      // Without any event of step 2 no chain passes step 1, whatever the
      // order: the level is 1 when an in-range event can start the funnel.
      // Most persons of a wide funnel stop there, and skip the sort and pass.
      let any = 0;
      let starts = false;
      const { steps, inRange } = events;
      for (let i = 0; i < events.n; i++) {
        const s = steps[i] ?? 0;
        any |= s;
        if (s & 1 && inRange[i] === 1) starts = true;
      }
      if ((any & 2) === 0) {
        this.tally(group, starts ? 1 : 0, starts ? 1 : 0);
        return;
      }
    }
    let level = this.greedy ? orderedGreedy(events, this.spec, this.start, this.times) : UNDECIDED;
    let timed = level;
    if (level === UNDECIDED) {
      this.exactSearches++;
      const r = personFunnel(sortedEvents(events), this.spec);
      level = r.level;
      timed = r.times.length;
      this.times.set(r.times);
    }
    this.tally(group, level, this.spec.order === 'unordered' ? 0 : timed);
  }

  private tally(group: string | null, level: number, timed: number): void {
    if (level === 0) return;
    let g = this.tallies.get(group);
    if (!g) {
      g = emptyTally(this.spec.stepCount);
      this.tallies.set(group, g);
    }
    g.levels[level] = (g.levels[level] ?? 0) + 1;
    for (let k = 1; k < timed; k++)
      g.gaps[k]?.push(((this.times[k] ?? 0) - (this.times[k - 1] ?? 0)) / 1000);
  }
}

function sortedEvents(ev: PersonEvents): PersonEvent[] {
  const out: PersonEvent[] = [];
  for (let i = 0; i < ev.n; i++)
    out.push({
      t: ev.t[i] ?? 0,
      steps: ev.steps[i] ?? 0,
      exclusions: ev.exclusions[i] ?? 0,
      inRange: ev.inRange[i] === 1,
    });
  return out.sort((a, b) => a.t - b.t);
}

export function emptyTally(stepCount: number): FunnelTally {
  return {
    levels: new Array(stepCount + 1).fill(0),
    gaps: Array.from({ length: stepCount }, () => []),
  };
}

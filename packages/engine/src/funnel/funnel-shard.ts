import { attributedGroup } from './attribution.js';
import { FunnelAccumulator, type FunnelTally } from './funnel-accumulator.js';
import type { FunnelSpec } from './person-funnel.js';
import { type GroupingShard, type GroupingWindow, PersonGrouping } from './person-grouping.js';

/**
 * What one shard of a funnel's per-person pass needs to know. Plain data, so
 * that it can be posted to another thread.
 */
export interface FunnelShardConfig {
  readonly spec: FunnelSpec;
  /** A breakdown: each event carries its value's id (`FunnelRows.g`). */
  readonly grouped: boolean;
  /**
   * Event-property breakdown: persons are keyed alone, and each is attributed
   * to a value afterwards (an event's group id is then its value's id).
   */
  readonly attributed: boolean;
  /** One pass per window: the first gives the result, a second its `previous`. */
  readonly windows: readonly GroupingWindow[];
}

/** A funnel's streamed events, column by column; row `r`'s person is `words[4r … 4r + 3]`. */
export interface FunnelRows {
  readonly words: ArrayLike<number>;
  /** Epoch milliseconds. */
  readonly t: ArrayLike<number>;
  /** Step bits. */
  readonly s: ArrayLike<number>;
  /** Exclusion bits; absent when the funnel has no exclusions. */
  readonly x?: ArrayLike<number> | undefined;
  /** Breakdown value ids; absent without a breakdown. */
  readonly g?: ArrayLike<number> | undefined;
}

/** Persons' tallies by breakdown value, one map per window. */
export type WindowTallies = Map<string | null, FunnelTally>[];

/**
 * One shard of a funnel's per-person pass: it keeps the events of its share
 * of the persons, groups them by person and tallies each person's level.
 * Shards of one query see the same rows and keep disjoint persons, so their
 * tallies add up ({@link mergeTallies}) to the one-shard answer.
 */
export class FunnelShard {
  private readonly grouping: PersonGrouping;
  // Zeros of the INTEGER columns' own type for absent columns: the push loop stays monomorphic.
  private zeros = new Int32Array(0);

  constructor(
    private readonly config: FunnelShardConfig,
    shard: GroupingShard = { shard: 0, shards: 1 },
  ) {
    this.grouping = new PersonGrouping({
      ...shard,
      // Only the fields this funnel reads: the rest would be copied for nothing.
      fields: {
        groups: config.grouped && !config.attributed,
        exclusions: config.spec.exclusions.length > 0,
        tags: config.attributed,
      },
    });
  }

  /** Rows `[0, n)`; those of other shards' persons are skipped. */
  push(rows: FunnelRows, n: number): void {
    if (this.zeros.length < n) this.zeros = new Int32Array(n);
    const g = rows.g ?? this.zeros;
    this.grouping.pushRows(
      {
        words: rows.words,
        t: rows.t,
        steps: rows.s,
        exclusions: rows.x ?? this.zeros,
        // Attributed persons are keyed alone; the value rides along as the tag.
        groups: this.config.attributed ? this.zeros : g,
        tags: g,
      },
      n,
    );
  }

  /** Tallies every person of the shard, once per window; `values` maps group ids to breakdown values. */
  finish(values: readonly (string | null)[]): WindowTallies {
    const { spec, attributed, windows } = this.config;
    const anyStep = spec.order === 'unordered';
    const accs = windows.map(() => new FunnelAccumulator(spec));
    this.grouping.forEachPerson(windows, (events, g, w) => {
      const group = attributed ? attributedGroup(events, { anyStep, values }) : g;
      if (group !== undefined) accs[w]?.add(values[group] ?? null, events);
    });
    return accs.map((acc) => acc.tallies);
  }
}

/** Adds `from`'s tallies into `into`, window by window (persons of different shards are distinct). */
export function mergeTallies(into: WindowTallies, from: WindowTallies): void {
  from.forEach((tallies, w) => {
    const target = into[w];
    if (!target) throw new Error(`merging tallies of window ${w}, which this pass does not have`);
    for (const [value, tally] of tallies) {
      const mine = target.get(value);
      if (!mine) {
        target.set(value, tally);
        continue;
      }
      tally.levels.forEach((n, k) => {
        mine.levels[k] = (mine.levels[k] ?? 0) + n;
      });
      tally.gaps.forEach((gaps, k) => {
        const to = mine.gaps[k];
        if (to) for (const gap of gaps) to.push(gap);
      });
    }
  });
}

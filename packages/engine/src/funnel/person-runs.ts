import { attributedGroup } from './attribution.js';
import { FunnelAccumulator } from './funnel-accumulator.js';
import type { FunnelRows, FunnelShardConfig, WindowTallies } from './funnel-shard.js';
import { PersonEvents } from './person-events.js';
import type { GroupingWindow } from './person-grouping.js';
import { UuidMap } from './uuid-map.js';

/**
 * The rows reached the fold out of person order: the engine did not keep the
 * sorted part's order. Callers answer from the grouping pass instead.
 */
export class PersonOrderError extends Error {
  override readonly name = 'PersonOrderError';
}

/** Rows of the sorted part: each person by their number (ascending through the part). */
export interface RunRows {
  readonly idx: ArrayLike<number>;
  readonly t: ArrayLike<number>;
  readonly s: ArrayLike<number>;
  readonly x?: ArrayLike<number> | undefined;
  readonly g?: ArrayLike<number> | undefined;
}

/**
 * A funnel's per-person pass over a store's person-ordered part, each
 * person's events together and persons numbered in their order (read by a
 * plain scan, in table order), merged with the recent part's events (read
 * sorted by that number, then by UUID for persons the sorted part does not
 * have). Each person is tallied as their run ends: no partitions, no hash
 * table over all persons, nothing kept per event beyond the current person's
 * and the recent part's.
 *
 * Persons diverted (merged since the sorted part was written, old and new id)
 * are not tallied here: their rows, sorted or recent, go to the grouping pass
 * under the person the divert names, where the old id's rows and the new
 * one's meet.
 *
 * The order is checked, not trusted: each run's number must exceed the
 * previous one's, and the recent rows must come sorted, else
 * {@link PersonOrderError}. So a person can never be tallied twice.
 *
 * Calls: `addRecent` for every recent row and `divertPerson` for every
 * diverted person (in either order), `push` for the sorted part, then `end`
 * (which diverts the last rows) and `tallies`.
 */
export class PersonRunFold {
  /** Diverted persons by UUID (for recent persons without a number), to the person to group under. */
  private readonly divertByUuid = new UuidMap();
  /** Diverted persons by number: the person to group under, as four words. */
  private readonly divertByIdx = new Map<number, readonly [number, number, number, number]>();
  private readonly recent = new Rows();
  /** The next recent row not yet merged into a run. */
  private nextRecent = 0;
  /** The rows diverted while a chunk is pushed. */
  private readonly out = new Rows();
  private readonly accs: FunnelAccumulator[];
  private readonly run = new PersonEvents();
  private readonly ev = new PersonEvents();
  /** The current run's number (0: none yet). */
  private current = 0;
  /** Where the current run's rows go instead of a tally (undefined: tallied here). */
  private diverted: readonly [number, number, number, number] | undefined;
  /** The window when there is one (no comparison): runs then hold only its events. */
  private readonly single: GroupingWindow | undefined;

  constructor(
    private readonly config: FunnelShardConfig,
    /** Breakdown values by id, as they are known when a run ends (attributed breakdowns). */
    private readonly values: () => readonly (string | null)[],
    /** Where diverted rows go, a chunk's at a time (the grouping pass). */
    private readonly toGrouping: (rows: FunnelRows, n: number) => void | Promise<void>,
  ) {
    if (config.grouped && !config.attributed)
      throw new Error('person runs hold one person each; a grouped key needs the grouping pass');
    this.accs = config.windows.map(() => new FunnelAccumulator(config.spec));
    this.single = config.windows.length === 1 ? config.windows[0] : undefined;
  }

  /**
   * Row `r`: the person `from` (its number `idx`, 0 when the sorted part does
   * not have it) is grouped under `to` in the grouping pass.
   */
  divertPerson(from: ArrayLike<number>, to: ArrayLike<number>, idx: number, r: number): void {
    const w = r * 4;
    const target = [to[w] ?? 0, to[w + 1] ?? 0, to[w + 2] ?? 0, to[w + 3] ?? 0] as const;
    if (idx > 0) this.divertByIdx.set(idx, target);
    this.divertByUuid.set(from, to, r);
  }

  /**
   * Recent rows `[0, n)` with each person's number (0: not in the sorted
   * part), sorted by number, those without one last and by UUID; continuing
   * the previous ones.
   */
  addRecent(rows: FunnelRows, idx: ArrayLike<number>, n: number): void {
    const recent = this.recent;
    const { words } = rows;
    for (let r = 0; r < n; r++) {
      const i = idx[r] ?? 0;
      const k = recent.n;
      if (k > 0) {
        const prev = recent.idx[k - 1] ?? 0;
        const w = r * 4;
        const ordered =
          i === 0
            ? prev !== 0 ||
              compare(
                words[w] ?? 0,
                words[w + 1] ?? 0,
                words[w + 2] ?? 0,
                words[w + 3] ?? 0,
                recent.words,
                k - 1,
              ) >= 0
            : prev !== 0 && i >= prev;
        if (!ordered)
          throw new PersonOrderError('the recent events did not arrive in person order');
      }
      recent.copy(rows, r, i);
    }
  }

  /**
   * Sorted rows `[0, n)`, continuing the previous chunk's run where the person
   * is the same. Resolves when the grouping pass has taken the rows diverted.
   */
  push(rows: RunRows, n: number): void | Promise<void> {
    const { idx, t, s } = rows;
    const x = rows.x;
    const g = rows.g;
    this.out.n = 0;
    for (let r = 0; r < n; r++) {
      const i = idx[r] ?? 0;
      if (i !== this.current) {
        if (i < this.current || i < 1)
          throw new PersonOrderError('the sorted events did not arrive in person order');
        this.endRun();
        // Recent persons numbered before this one, without sorted rows here, run alone.
        const recent = this.recent;
        while (this.nextRecent < recent.n) {
          const next = recent.idx[this.nextRecent] ?? 0;
          if (next === 0 || next >= i) break;
          this.startRun(next);
          this.takeRecent();
          this.endRun();
        }
        this.startRun(i);
        this.takeRecent();
      }
      this.add(t[r] ?? 0, s[r] ?? 0, x === undefined ? 0 : (x[r] ?? 0), g ? (g[r] ?? 0) : 0);
    }
    return this.flushOut();
  }

  /** Ends the last run and the recent persons after it. Resolves when the grouping pass has their diverted rows. */
  end(): void | Promise<void> {
    this.out.n = 0;
    this.endRun();
    const recent = this.recent;
    while (this.nextRecent < recent.n) {
      const next = recent.idx[this.nextRecent] ?? 0;
      if (next === 0) break;
      this.startRun(next);
      this.takeRecent();
      this.endRun();
    }
    // Persons only in the recent part, by UUID.
    while (this.nextRecent < recent.n) {
      const first = this.nextRecent;
      const w = recent.words;
      const f = first * 4;
      const e = this.divertByUuid.get(w[f] ?? 0, w[f + 1] ?? 0, w[f + 2] ?? 0, w[f + 3] ?? 0);
      const to = this.divertByUuid.valueWords;
      this.diverted =
        e < 0
          ? undefined
          : [to[e * 4] ?? 0, to[e * 4 + 1] ?? 0, to[e * 4 + 2] ?? 0, to[e * 4 + 3] ?? 0];
      while (
        this.nextRecent < recent.n &&
        compare(w[f] ?? 0, w[f + 1] ?? 0, w[f + 2] ?? 0, w[f + 3] ?? 0, w, this.nextRecent) === 0
      ) {
        const k = this.nextRecent++;
        this.add(recent.t[k] ?? 0, recent.s[k] ?? 0, recent.x[k] ?? 0, recent.g[k] ?? 0);
      }
      this.endRun();
    }
    return this.flushOut();
  }

  /** The tallies per window, keyed by breakdown value (after `end`). */
  tallies(): WindowTallies {
    return this.accs.map((acc) => acc.tallies);
  }

  private startRun(idx: number): void {
    this.current = idx;
    this.diverted = this.divertByIdx.get(idx);
  }

  /** Adds the recent rows of the current person to their run. */
  private takeRecent(): void {
    const recent = this.recent;
    while (this.nextRecent < recent.n && recent.idx[this.nextRecent] === this.current) {
      const k = this.nextRecent++;
      this.add(recent.t[k] ?? 0, recent.s[k] ?? 0, recent.x[k] ?? 0, recent.g[k] ?? 0);
    }
  }

  private add(t: number, s: number, x: number, g: number): void {
    const to = this.diverted;
    if (to !== undefined) this.out.append(to[0], to[1], to[2], to[3], 0, t, s, x, g);
    else if (this.single === undefined) this.run.push(t, s, x, false, g);
    // One window (no comparison): the run is the person's events for it as they come.
    else if (t >= this.single.from && t < this.single.to)
      this.run.push(t, s, x, t < this.single.startsBefore, g);
  }

  private flushOut(): void | Promise<void> {
    const out = this.out;
    return out.n > 0 ? this.toGrouping(out.rows(), out.n) : undefined;
  }

  /** Tallies the current person once per window, as the grouping pass does. */
  private endRun(): void {
    const run = this.run;
    if (run.n === 0) return;
    if (this.single !== undefined) {
      this.tally(0, run);
      run.clear();
      return;
    }
    const { windows } = this.config;
    const ev = this.ev;
    for (let w = 0; w < windows.length; w++) {
      const window = windows[w];
      if (!window) continue;
      ev.clear();
      for (let i = 0; i < run.n; i++) {
        const ti = run.t[i] ?? 0;
        if (ti < window.from || ti >= window.to) continue;
        ev.push(
          ti,
          run.steps[i] ?? 0,
          run.exclusions[i] ?? 0,
          ti < window.startsBefore,
          run.tags[i] ?? 0,
        );
      }
      if (ev.n > 0) this.tally(w, ev);
    }
    run.clear();
  }

  /** Tallies a person's events of window `w` under their breakdown value. */
  private tally(w: number, ev: PersonEvents): void {
    const { attributed, spec } = this.config;
    const values = this.values();
    const group = attributed
      ? attributedGroup(ev, { anyStep: spec.order === 'unordered', values })
      : 0;
    if (group !== undefined) this.accs[w]?.add(values[group] ?? null, ev);
  }
}

/** Rows as growable columns: the recent part, or rows diverted to the grouping pass. */
class Rows {
  n = 0;
  words = new Int32Array(256);
  idx = new Int32Array(64);
  t = new Float64Array(64);
  s = new Int32Array(64);
  x = new Int32Array(64);
  g = new Int32Array(64);

  /** Appends row `r` of `rows`, with the person's number. */
  copy(rows: FunnelRows, r: number, idx: number): void {
    const w = r * 4;
    const { words } = rows;
    this.append(
      words[w] ?? 0,
      words[w + 1] ?? 0,
      words[w + 2] ?? 0,
      words[w + 3] ?? 0,
      idx,
      rows.t[r] ?? 0,
      rows.s[r] ?? 0,
      rows.x?.[r] ?? 0,
      rows.g?.[r] ?? 0,
    );
  }

  rows(): FunnelRows {
    return { words: this.words, t: this.t, s: this.s, x: this.x, g: this.g };
  }

  append(
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    idx: number,
    t: number,
    s: number,
    x: number,
    g: number,
  ): void {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    const words = this.words;
    words[i * 4] = w0;
    words[i * 4 + 1] = w1;
    words[i * 4 + 2] = w2;
    words[i * 4 + 3] = w3;
    this.idx[i] = idx;
    this.t[i] = t;
    this.s[i] = s;
    this.x[i] = x;
    this.g[i] = g;
  }

  private grow(): void {
    const size = this.t.length * 2;
    const words = new Int32Array(size * 4);
    words.set(this.words);
    this.words = words;
    const t = new Float64Array(size);
    t.set(this.t);
    this.t = t;
    for (const k of ['idx', 's', 'x', 'g'] as const) {
      const a = new Int32Array(size);
      a.set(this[k]);
      this[k] = a;
    }
  }
}

/** UUID `a` against row `r` of `words`, in DuckDB's order (the highest word signed, then the others unsigned). */
function compare(
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  words: Int32Array,
  r: number,
): number {
  const f = r * 4;
  const b0 = words[f] ?? 0;
  const b1 = words[f + 1] ?? 0;
  const b2 = words[f + 2] ?? 0;
  const b3 = words[f + 3] ?? 0;
  if (a3 !== b3) return a3 > b3 ? 1 : -1;
  if (a2 !== b2) return a2 >>> 0 > b2 >>> 0 ? 1 : -1;
  if (a1 !== b1) return a1 >>> 0 > b1 >>> 0 ? 1 : -1;
  if (a0 !== b0) return a0 >>> 0 > b0 >>> 0 ? 1 : -1;
  return 0;
}

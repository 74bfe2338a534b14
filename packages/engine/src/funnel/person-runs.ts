import { attributedGroup } from './attribution.js';
import { FunnelAccumulator } from './funnel-accumulator.js';
import type { FunnelRows, FunnelShardConfig, WindowTallies } from './funnel-shard.js';
import { PersonEvents } from './person-events.js';
import { UuidMap } from './uuid-map.js';

/**
 * The rows reached the fold out of person order: the engine did not keep the
 * sorted part's order. Callers answer from the grouping pass instead.
 */
export class PersonOrderError extends Error {
  override readonly name = 'PersonOrderError';
}

/**
 * A funnel's per-person pass over a store's person-ordered part, each
 * person's events together (read by a plain scan, in table order), merged
 * with the recent part's events (read sorted by person). Each person is
 * tallied as their run ends: no partitions, no hash table over all persons,
 * nothing kept per event beyond the current person's and the recent part's.
 *
 * Persons in `divert` (merged since the sorted part was written, old and new
 * id) are not tallied here: their rows, sorted or recent, go to the grouping
 * pass under the person the map gives, where the old id's rows and the new
 * one's meet.
 *
 * The person order is checked, not trusted: each run's person must sort after
 * the previous one's (DuckDB's UUID order: the high 64 bits signed, then the
 * rest unsigned), and the recent rows must come sorted, else
 * {@link PersonOrderError}. So a person can never be tallied twice.
 *
 * Calls: `divert.set` for every diverted person, `addRecent` for every recent
 * row, `push` for the sorted part, then `end` (which diverts the last rows)
 * and `tallies`.
 */
export class PersonRunFold {
  /** Stored person → the person their rows are grouped under, for the persons diverted. */
  readonly divert = new UuidMap();
  private readonly recent = new Rows();
  /** The next recent row not yet merged into a run. */
  private nextRecent = 0;
  /** The rows diverted while a chunk is pushed. */
  private readonly out = new Rows();
  private readonly accs: FunnelAccumulator[];
  private readonly run = new PersonEvents();
  private readonly ev = new PersonEvents();
  private started = false;
  private p0 = 0;
  private p1 = 0;
  private p2 = 0;
  private p3 = 0;
  /** The current run's entry in `divert` (−1: tallied here). */
  private diverted = -1;

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
  }

  /** Recent rows `[0, n)`, sorted by person, continuing the previous ones. */
  addRecent(rows: FunnelRows, n: number): void {
    const recent = this.recent;
    const { words } = rows;
    for (let r = 0; r < n; r++) {
      const w = r * 4;
      const k = recent.n;
      if (
        k > 0 &&
        compare(
          words[w] ?? 0,
          words[w + 1] ?? 0,
          words[w + 2] ?? 0,
          words[w + 3] ?? 0,
          recent.words,
          k - 1,
        ) < 0
      )
        throw new PersonOrderError('the recent events did not arrive in person order');
      recent.copy(rows, r);
    }
  }

  /**
   * Sorted rows `[0, n)`, continuing the previous chunk's run where the person
   * is the same. Resolves when the grouping pass has taken the rows diverted.
   */
  push(rows: FunnelRows, n: number): void | Promise<void> {
    const { words, t, s } = rows;
    const x = rows.x;
    const g = rows.g;
    this.out.n = 0;
    for (let r = 0; r < n; r++) {
      const w = r * 4;
      const w0 = words[w] ?? 0;
      const w1 = words[w + 1] ?? 0;
      const w2 = words[w + 2] ?? 0;
      const w3 = words[w + 3] ?? 0;
      if (!this.started || w0 !== this.p0 || w1 !== this.p1 || w2 !== this.p2 || w3 !== this.p3) {
        if (this.started && !after(w0, w1, w2, w3, this.p0, this.p1, this.p2, this.p3))
          throw new PersonOrderError('the sorted events did not arrive in person order');
        this.endRun();
        // Persons only in the recent part, before this one, are runs of their own.
        const recent = this.recent;
        while (
          this.nextRecent < recent.n &&
          compare(w0, w1, w2, w3, recent.words, this.nextRecent) > 0
        ) {
          this.startRun(recent.words, this.nextRecent);
          this.takeRecent();
          this.endRun();
        }
        this.startRun(words, r);
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
      this.startRun(recent.words, this.nextRecent);
      this.takeRecent();
      this.endRun();
    }
    return this.flushOut();
  }

  /** The tallies per window, keyed by breakdown value (after `end`). */
  tallies(): WindowTallies {
    return this.accs.map((acc) => acc.tallies);
  }

  private startRun(words: ArrayLike<number>, r: number): void {
    const w = r * 4;
    this.started = true;
    this.p0 = words[w] ?? 0;
    this.p1 = words[w + 1] ?? 0;
    this.p2 = words[w + 2] ?? 0;
    this.p3 = words[w + 3] ?? 0;
    this.diverted = this.divert.get(this.p0, this.p1, this.p2, this.p3);
  }

  /** Adds the recent rows of the current person to their run. */
  private takeRecent(): void {
    const recent = this.recent;
    while (
      this.nextRecent < recent.n &&
      compare(this.p0, this.p1, this.p2, this.p3, recent.words, this.nextRecent) === 0
    ) {
      const i = this.nextRecent++;
      this.add(recent.t[i] ?? 0, recent.s[i] ?? 0, recent.x[i] ?? 0, recent.g[i] ?? 0);
    }
  }

  private add(t: number, s: number, x: number, g: number): void {
    if (this.diverted < 0) this.run.push(t, s, x, false, g);
    else this.out.push(this.divert.valueWords, this.diverted, t, s, x, g);
  }

  private flushOut(): void | Promise<void> {
    const out = this.out;
    return out.n > 0 ? this.toGrouping(out.rows(), out.n) : undefined;
  }

  /** Tallies the current person once per window, as the grouping pass does. */
  private endRun(): void {
    const run = this.run;
    if (run.n === 0) return;
    const { windows, attributed, spec } = this.config;
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
      if (ev.n === 0) continue;
      const values = this.values();
      const group = attributed
        ? attributedGroup(ev, { anyStep: spec.order === 'unordered', values })
        : 0;
      if (group !== undefined) this.accs[w]?.add(values[group] ?? null, ev);
    }
    run.clear();
  }
}

/** Rows as growable columns: the recent part, or rows diverted to the grouping pass. */
class Rows {
  n = 0;
  words = new Int32Array(256);
  t = new Float64Array(64);
  s = new Int32Array(64);
  x = new Int32Array(64);
  g = new Int32Array(64);

  /** Appends row `r` of `rows`. */
  copy(rows: FunnelRows, r: number): void {
    const w = r * 4;
    const { words } = rows;
    this.append(
      words[w] ?? 0,
      words[w + 1] ?? 0,
      words[w + 2] ?? 0,
      words[w + 3] ?? 0,
      rows.t[r] ?? 0,
      rows.s[r] ?? 0,
      rows.x?.[r] ?? 0,
      rows.g?.[r] ?? 0,
    );
  }

  /** Appends a row under the person at entry `e` of `persons` (four words each). */
  push(persons: Int32Array, e: number, t: number, s: number, x: number, g: number): void {
    const f = e * 4;
    this.append(
      persons[f] ?? 0,
      persons[f + 1] ?? 0,
      persons[f + 2] ?? 0,
      persons[f + 3] ?? 0,
      t,
      s,
      x,
      g,
    );
  }

  rows(): FunnelRows {
    return { words: this.words, t: this.t, s: this.s, x: this.x, g: this.g };
  }

  private append(
    w0: number,
    w1: number,
    w2: number,
    w3: number,
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
    for (const k of ['s', 'x', 'g'] as const) {
      const a = new Int32Array(size);
      a.set(this[k]);
      this[k] = a;
    }
  }
}

/** Whether UUID `a` sorts after `b` in DuckDB's order (words low to high; the highest signed). */
function after(
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
): boolean {
  if (a3 !== b3) return a3 > b3;
  if (a2 !== b2) return a2 >>> 0 > b2 >>> 0;
  if (a1 !== b1) return a1 >>> 0 > b1 >>> 0;
  return a0 >>> 0 > b0 >>> 0;
}

/** UUID `a` against row `r` of `words`, in DuckDB's order: negative, zero or positive. */
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
  if (a0 === b0 && a1 === b1 && a2 === b2 && a3 === b3) return 0;
  return after(a0, a1, a2, a3, b0, b1, b2, b3) ? 1 : -1;
}

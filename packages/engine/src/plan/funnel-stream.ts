import type { FunnelResult } from '@opsloop/schema';
import type { FunnelTally } from '../funnel/funnel-accumulator.js';
import { type FunnelRows, FunnelShard, mergeTallies } from '../funnel/funnel-shard.js';
import type { FunnelSpec } from '../funnel/person-funnel.js';
import type { GroupingWindow } from '../funnel/person-grouping.js';
import { PersonRunFold } from '../funnel/person-runs.js';
import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { ColumnChunk, PersonRunsReducer, ReducerEnv } from '../sql/dialect/column-chunk.js';
import { str } from './plan.js';

/**
 * The streamed form of a funnel: the flat SELECT's columns, and the reducer
 * that folds its chunks, by grouping persons in JS or, over a store's
 * person-ordered part, person by person as their runs end.
 */

/** The streamed SELECT's columns, in order (the person first). */
export const STREAMED = ['person', 'bval', 't', 's', 'x'] as const;
export type StreamedColumn = (typeof STREAMED)[number];
export const STREAMED_SQL: Readonly<Record<StreamedColumn, SqlNode>> = {
  person: text('person'),
  bval: text('bval'),
  t: text('t'),
  s: sql`${fn.toInteger(text('steps'))} AS s`,
  x: sql`${fn.toInteger(text('excl'))} AS x`,
};
const PERSON_COL = 0;

/** Positions of the streamed columns; one left out is absent. */
export interface StreamedColumns {
  /** How many there are. */
  readonly count: number;
  readonly bval?: number | undefined;
  readonly t: number;
  readonly s: number;
  readonly x?: number | undefined;
}

export function streamedColumns(streamed: readonly StreamedColumn[]): StreamedColumns {
  const at = (c: StreamedColumn) => {
    const i = streamed.indexOf(c);
    return i < 0 ? undefined : i;
  };
  return {
    count: streamed.length,
    bval: at('bval'),
    t: streamed.indexOf('t'),
    s: streamed.indexOf('s'),
    x: at('x'),
  };
}

/** Breakdown values numbered densely (null is 0), so events carry an integer. */
export class BreakdownValues {
  readonly values: (string | null)[] = [null];
  private readonly ids = new Map<string | null, number>([[null, 0]]);

  idOf(v: string | null): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.push(v) - 1;
      this.ids.set(v, id);
    }
    return id;
  }
}

export function chunkReducer(
  spec: FunnelSpec,
  opts: {
    readonly grouped: boolean;
    /** Event-property breakdown: persons are keyed alone and attributed after. */
    readonly attributed: boolean;
    readonly columns: StreamedColumns;
    /** One pass per window: the first gives the result, a second its `previous`. */
    readonly windows: readonly GroupingWindow[];
    readonly result: (tallies: ReadonlyMap<string | null, FunnelTally>) => FunnelResult;
  },
  env: ReducerEnv,
): PersonRunsReducer<FunnelResult> {
  const config = {
    spec,
    grouped: opts.grouped,
    attributed: opts.attributed,
    windows: opts.windows,
  };
  // Other threads, when the store has them, each take a share of the persons;
  // this thread reads the chunks and keeps shard 0.
  const others = env.funnelThreads?.open(config);
  const local = new FunnelShard(config, { shard: 0, shards: 1 + (others?.count ?? 0) });
  const groups = new BreakdownValues();
  // The grouping pass: this thread's shard, and the other threads' first so
  // that they work while this one pushes.
  const group = (rows: FunnelRows, n: number) => {
    const wait = others?.write(rows, n);
    local.push(rows, n);
    return wait;
  };
  // Made on first use: only stores with a person-ordered part feed it.
  let runs: PersonRunFold | undefined;
  const runFold = () => {
    runs ??= new PersonRunFold(config, () => groups.values, group);
    return runs;
  };
  let ids = new Int32Array(0);
  /** A chunk's columns besides the person. */
  const eventsOf = (chunk: ColumnChunk) => {
    const { columns } = opts;
    const n = chunk.rowCount;
    let g: Int32Array | undefined;
    if (columns.bval !== undefined) {
      const bval = chunk.column(columns.bval);
      if (ids.length < n) ids = new Int32Array(n);
      for (let row = 0; row < n; row++) ids[row] = groups.idOf(str(bval.get(row)));
      g = ids;
    }
    return {
      t: chunk.numbers(columns.t),
      s: chunk.numbers(columns.s),
      x: columns.x === undefined ? undefined : chunk.numbers(columns.x),
      g,
    };
  };
  const rowsOf = (chunk: ColumnChunk): FunnelRows => ({
    words: chunk.uuid(PERSON_COL),
    ...eventsOf(chunk),
  });
  return {
    divert(chunk: ColumnChunk) {
      const from = chunk.uuid(0);
      const to = chunk.uuid(1);
      const idx = chunk.numbers(2);
      const fold = runFold();
      for (let r = 0; r < chunk.rowCount; r++) fold.divertPerson(from, to, idx[r] ?? 0, r);
    },
    addRecent(chunk: ColumnChunk) {
      // The person's number follows the streamed columns.
      const idx = chunk.numbers(opts.columns.count);
      runFold().addRecent(rowsOf(chunk), idx, chunk.rowCount);
    },
    addRuns(chunk: ColumnChunk) {
      const rows = { idx: chunk.numbers(PERSON_COL), ...eventsOf(chunk) };
      return runFold().push(rows, chunk.rowCount);
    },
    add(chunk: ColumnChunk) {
      return group(rowsOf(chunk), chunk.rowCount);
    },
    async finish() {
      const { values } = groups;
      // The last runs' diverted rows reach the grouping pass before it tallies.
      await runs?.end();
      // Asked first: the other shards tally while this thread tallies its own.
      const theirs = others?.finish(values);
      // Observed at once: should this thread's tally throw, their failure must
      // not surface as an unhandled rejection (which ends the process).
      theirs?.catch(() => undefined);
      const tallies = local.finish(values);
      if (runs) mergeTallies(tallies, runs.tallies());
      for (const t of (await theirs) ?? []) mergeTallies(tallies, t);
      const [current, previous] = tallies.map((t) => opts.result(t));
      if (!current) throw new Error('a funnel needs a period');
      return previous ? { ...current, previous: stripPrevious(previous) } : current;
    },
    cancel() {
      others?.cancel();
    },
  };
}

/** A funnel result without its own `previous` (one level of comparison). */
export function stripPrevious(r: FunnelResult): FunnelResult {
  return 'steps' in r ? { steps: r.steps } : { groups: r.groups };
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type {
  FunnelRows,
  FunnelShardConfig,
  FunnelShardThreads,
  OpenedShards,
  WindowTallies,
} from '@opsloop/engine';
import { workerExecArgv } from '../../threads/worker-exec-argv.js';
import {
  BATCH_ROWS,
  type FromFunnelThread,
  type SharedRows,
  sharedRows,
  type ToFunnelThread,
} from './messages.js';

/** A funnel thread failed or stopped: the query can be answered again without threads. */
export class FunnelThreadError extends Error {
  override readonly name = 'FunnelThreadError';
}

/** Batches one query may have in flight before its reader waits (about 5 MB). */
const MAX_BATCHES = 4;

/**
 * Threads for the other cores: one fewer than the machine has (the reading
 * thread keeps a shard of its own), at most three. A streamed funnel's
 * per-person pass on 10M events took 1.4 s of one thread here.
 */
export function defaultFunnelThreads(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** What a query waits for from one thread. */
interface Listener {
  ack(batch: number): void;
  tallies(tallies: WindowTallies): void;
  fail(err: Error): void;
}

/** One worker thread and the queries it holds a shard of. */
class FunnelThread {
  readonly listeners = new Map<number, Listener>();
  dead = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromFunnelThread) => {
      const l = this.listeners.get(m.query);
      if (!l) return;
      if (m.type === 'ack') l.ack(m.batch);
      else if (m.type === 'tallies') l.tallies(m.tallies);
      else l.fail(new FunnelThreadError(`a funnel thread failed: ${m.message}`));
    });
    const die = (err: Error) => {
      this.dead = true;
      for (const l of this.listeners.values()) l.fail(err);
      this.listeners.clear();
      worker.unref();
    };
    worker.on('error', (err) =>
      die(new FunnelThreadError(`a funnel thread crashed: ${err.message}`)),
    );
    worker.on('exit', (code) =>
      die(new FunnelThreadError(`a funnel thread exited (code ${code})`)),
    );
    // After the listeners, which would take the reference back: an idle
    // thread does not keep the process alive; one a query waits on does.
    worker.unref();
  }

  post(m: ToFunnelThread): void {
    if (this.listeners.size > 0) this.worker.ref();
    this.worker.postMessage(m);
  }

  /** Stops listening for a query; with none left, the thread no longer keeps the process alive. */
  forget(query: number): void {
    this.listeners.delete(query);
    if (this.listeners.size === 0) this.worker.unref();
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * The embedded store's funnel threads ({@link FunnelShardThreads}). Threads
 * start with the first funnel and stay; one that dies fails the queries it
 * held and is replaced at the next one.
 */
export class FunnelThreadPool implements FunnelShardThreads {
  private readonly threads: (FunnelThread | undefined)[];
  private nextQuery = 1;
  private closed = false;

  /** `size`: threads besides the reading one; 0 runs every funnel on the reading thread. */
  constructor(size: number = defaultFunnelThreads()) {
    if (!(Number.isInteger(size) && size >= 0))
      throw new RangeError(`funnel threads must be a whole number, got ${size}`);
    this.threads = new Array<FunnelThread | undefined>(size).fill(undefined);
  }

  get size(): number {
    return this.threads.length;
  }

  open(config: FunnelShardConfig): OpenedShards | undefined {
    if (this.closed || this.threads.length === 0) return undefined;
    const threads = this.threads.map((t, i) => {
      if (t && !t.dead) return t;
      const fresh = new FunnelThread(
        new Worker(new URL('./funnel-thread.js', import.meta.url), { execArgv: workerExecArgv() }),
      );
      this.threads[i] = fresh;
      return fresh;
    });
    return new ThreadShards(this.nextQuery++, threads, config);
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t?.terminate()));
  }
}

/** One query's shards 1 … n on the pool's threads (the reading thread keeps shard 0). */
class ThreadShards implements OpenedShards {
  readonly count: number;
  private readonly batches: SharedRows[] = [];
  private readonly free: number[] = [];
  /** Acknowledgements each batch in flight still waits for. */
  private readonly pending = new Map<number, number>();
  private current: number | undefined;
  private fill = 0;
  private hasX = false;
  private hasG = false;
  private failure: Error | undefined;
  private freed: (() => void) | undefined;
  private readonly results: Promise<WindowTallies>[];

  constructor(
    private readonly query: number,
    private readonly threads: readonly FunnelThread[],
    config: FunnelShardConfig,
  ) {
    this.count = threads.length;
    const shards = threads.length + 1;
    this.results = threads.map(
      (thread, i) =>
        new Promise<WindowTallies>((resolve, reject) => {
          thread.listeners.set(query, {
            ack: (batch) => this.acked(batch),
            tallies: (tallies) => {
              thread.forget(query);
              resolve(tallies);
            },
            fail: (err) => {
              this.failed(err);
              reject(err);
            },
          });
          thread.post({ type: 'open', query, config, shard: i + 1, shards });
        }),
    );
    // Observed here so that a failure is not unhandled before `finish` asks for them.
    for (const r of this.results) r.catch(() => undefined);
  }

  write(rows: FunnelRows, n: number): void | Promise<void> {
    if (this.failure) throw this.failure;
    this.hasX ||= rows.x !== undefined;
    this.hasG ||= rows.g !== undefined;
    let from = 0;
    const more = (): void | Promise<void> => {
      while (from < n) {
        if (this.failure) throw this.failure;
        if (this.current === undefined) {
          const batch = this.take();
          if (batch === undefined) return this.whenFree().then(more);
          this.current = batch;
          this.fill = 0;
        }
        const k = Math.min(n - from, BATCH_ROWS - this.fill);
        copyRows(rows, from, k, this.batches[this.current] as SharedRows, this.fill, {
          x: this.hasX,
          g: this.hasG,
        });
        from += k;
        this.fill += k;
        if (this.fill === BATCH_ROWS) this.send();
      }
    };
    return more();
  }

  async finish(values: readonly (string | null)[]): Promise<WindowTallies[]> {
    if (this.failure) throw this.failure;
    if (this.current !== undefined && this.fill > 0) this.send();
    for (const t of this.threads) t.post({ type: 'finish', query: this.query, values });
    return Promise.all(this.results);
  }

  cancel(): void {
    this.failed(new Error('the funnel was cancelled'));
  }

  /** A free batch's number, allocating up to MAX_BATCHES; undefined when all are in flight. */
  private take(): number | undefined {
    const batch = this.free.pop();
    if (batch !== undefined) return batch;
    if (this.batches.length === MAX_BATCHES) return undefined;
    return this.batches.push(sharedRows()) - 1;
  }

  private whenFree(): Promise<void> {
    return new Promise((resolve) => {
      this.freed = resolve;
    });
  }

  private send(): void {
    const batch = this.current;
    if (batch === undefined) return;
    const rows = this.batches[batch] as SharedRows;
    this.pending.set(batch, this.threads.length);
    for (const t of this.threads)
      t.post({
        type: 'rows',
        query: this.query,
        batch,
        rows,
        n: this.fill,
        hasX: this.hasX,
        hasG: this.hasG,
      });
    this.current = undefined;
    this.fill = 0;
  }

  private acked(batch: number): void {
    const left = (this.pending.get(batch) ?? 1) - 1;
    if (left > 0) {
      this.pending.set(batch, left);
      return;
    }
    this.pending.delete(batch);
    this.free.push(batch);
    const freed = this.freed;
    this.freed = undefined;
    freed?.();
  }

  /** Stops the query on every thread: one failed, or the read did. */
  private failed(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const t of this.threads) {
      t.forget(this.query);
      if (!t.dead) t.post({ type: 'cancel', query: this.query });
    }
    // A writer waiting for a batch wakes up to the failure.
    const freed = this.freed;
    this.freed = undefined;
    freed?.();
  }
}

/**
 * Copies rows `[from, from + k)` into the batch at row `at`. The exclusion
 * and group columns are copied only when the query has them (the thread is
 * told not to read them otherwise); one absent in these rows reads as zeros.
 */
function copyRows(
  rows: FunnelRows,
  from: number,
  k: number,
  to: SharedRows,
  at: number,
  has: { readonly x: boolean; readonly g: boolean },
): void {
  copy(rows.words, from * 4, k * 4, to.words, at * 4);
  copy(rows.t, from, k, to.t, at);
  copy(rows.s, from, k, to.s, at);
  if (rows.x) copy(rows.x, from, k, to.x, at);
  else if (has.x) to.x.fill(0, at, at + k);
  if (rows.g) copy(rows.g, from, k, to.g, at);
  else if (has.g) to.g.fill(0, at, at + k);
}

type Typed = Int32Array | Float64Array;

function copy(src: ArrayLike<number>, from: number, k: number, dst: Typed, at: number): void {
  // Typed arrays copy as one block (the usual case: DuckDB's own vectors).
  if (src instanceof Int32Array || src instanceof Float64Array) {
    dst.set(src.subarray(from, from + k), at);
    return;
  }
  for (let i = 0; i < k; i++) dst[at + i] = src[from + i] ?? 0;
}

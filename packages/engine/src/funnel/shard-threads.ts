import type { FunnelRows, FunnelShardConfig, WindowTallies } from './funnel-shard.js';

/**
 * Other threads that can each run a shard of a funnel's per-person pass (the
 * embedded store's worker pool). The engine stays free of threads: it hands
 * them rows and merges what they tally.
 */
export interface FunnelShardThreads {
  /**
   * Starts one query's shards elsewhere. The calling thread runs shard 0 of
   * `count + 1`; undefined when no other thread is to be used.
   */
  open(config: FunnelShardConfig): OpenedShards | undefined;
}

/** One query's shards on other threads. */
export interface OpenedShards {
  /** How many shards run elsewhere (shards 1 … count). */
  readonly count: number;
  /**
   * Hands them rows `[0, n)`; the arrays may be reused once this returns. A
   * returned promise asks the caller to wait before writing more (the other
   * threads are behind).
   */
  write(rows: FunnelRows, n: number): void | Promise<void>;
  /** Their tallies, one set per shard, once every row is written; `values` maps group ids to values. */
  finish(values: readonly (string | null)[]): Promise<WindowTallies[]>;
  /** Drops the query's shards (the read failed). */
  cancel(): void;
}

import type { FunnelShardConfig, WindowTallies } from '@opsloop/engine';

/**
 * Rows shared with the funnel threads: one batch, column by column, in
 * shared memory so that every thread reads the same bytes without a copy.
 */
export interface SharedRows {
  readonly words: Int32Array;
  readonly t: Float64Array;
  readonly s: Int32Array;
  readonly x: Int32Array;
  readonly g: Int32Array;
}

/** Rows per shared batch: 16 DuckDB chunks, about 1.2 MB. */
export const BATCH_ROWS = 32_768;

export function sharedRows(capacity = BATCH_ROWS): SharedRows {
  const ints = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));
  return {
    words: ints(capacity * 4),
    t: new Float64Array(new SharedArrayBuffer(capacity * 8)),
    s: ints(capacity),
    x: ints(capacity),
    g: ints(capacity),
  };
}

/** To a funnel thread; `query` tells one query's shard from another's. */
export type ToFunnelThread =
  | {
      readonly type: 'open';
      readonly query: number;
      readonly config: FunnelShardConfig;
      readonly shard: number;
      readonly shards: number;
    }
  | {
      readonly type: 'rows';
      readonly query: number;
      /** The batch's number, echoed in the acknowledgement. */
      readonly batch: number;
      readonly rows: SharedRows;
      readonly n: number;
      /** Whether the exclusion and group columns were written (zeros otherwise). */
      readonly hasX: boolean;
      readonly hasG: boolean;
    }
  | { readonly type: 'finish'; readonly query: number; readonly values: readonly (string | null)[] }
  | { readonly type: 'cancel'; readonly query: number };

/** From a funnel thread. */
export type FromFunnelThread =
  | { readonly type: 'ack'; readonly query: number; readonly batch: number }
  | { readonly type: 'tallies'; readonly query: number; readonly tallies: WindowTallies }
  | { readonly type: 'failed'; readonly query: number; readonly message: string };

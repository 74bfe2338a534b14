import type { BulkBatch } from '../pipeline/bulk-batch.js';
import type { DemoOptions } from './generate.js';

/** What the generating thread is started with. */
export interface GenerateWorkerData {
  readonly options: DemoOptions;
  /** Batches it may post before the reader acknowledges one. */
  readonly ahead: number;
}

/** Progress of the stream, as `DemoBatch` carries it. */
export interface BatchPosition {
  readonly day: number;
  readonly days: number;
  readonly eventsSoFar: number;
  readonly personsSoFar: number;
}

/** Generating thread → reader. */
export type FromGenerator =
  | { readonly type: 'batch'; readonly batch: BulkBatch; readonly at: BatchPosition }
  | { readonly type: 'done' };

/** Reader → generating thread: one batch was taken, another may come. */
export type ToGenerator = { readonly type: 'taken' };

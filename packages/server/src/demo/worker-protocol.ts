import type { IdentityChanges } from '@opsloop/store/identity/identity-store';
import type { ResolvedBatch } from '../pipeline/bulk-batch.js';
import type { DemoOptions } from './generate.js';

/** What the generating thread is started with. */
export interface GenerateWorkerData {
  readonly options: DemoOptions;
  /** Batches it may post before the reader acknowledges one. */
  readonly ahead: number;
  /** Identity changes are posted, folded, once at least this many events were posted since the last. */
  readonly identityEveryEvents: number;
}

/** Progress of the stream, as `DemoBatch` carries it. */
export interface BatchPosition {
  readonly day: number;
  readonly days: number;
  readonly eventsSoFar: number;
  readonly personsSoFar: number;
}

/**
 * Generating thread → reader. An `identity` message holds the identity changes
 * of every batch posted before it (and none after it), folded; the last
 * batch is followed by one, then `done`.
 */
export type FromGenerator =
  | { readonly type: 'batch'; readonly batch: ResolvedBatch; readonly at: BatchPosition }
  | { readonly type: 'identity'; readonly changes: IdentityChanges }
  | { readonly type: 'done' };

/** Reader → generating thread: one batch was taken, another may come. */
export type ToGenerator = { readonly type: 'taken' };

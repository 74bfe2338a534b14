import type { IdentityInput } from './resolve-identities.js';

/**
 * A batch whose persons are resolved already (by the thread that made it):
 * the rows in the spool's encoding and each row's person. Its identity
 * changes travel separately (`BulkWriter.commitResolved`), folded over many
 * batches. Plain data, so a worker thread posts it for the price of a copy.
 */
export interface ResolvedBatch {
  /** The events' rows joined with the row separator (`encodeEventRows`). */
  readonly rows: string;
  readonly count: number;
  readonly personIds: readonly string[];
}

/** What resolution reads of an event, and its row among its chunk's rows. */
export type BulkHead = IdentityInput & { readonly row: number };

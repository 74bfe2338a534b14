import type { CanonicalEvent } from '@opsloop/schema';
import { encodeEventRow, ROW_SEPARATOR } from '@opsloop/store/spool/event-rows';
import type { IdentityInput } from './resolve-identities.js';

/**
 * A batch of events as the bulk path takes it: rows in the spool's encoding
 * and, beside them, only what identity resolution reads, in columns. Plain
 * data (strings, a typed array, a short list), so a worker thread can build it
 * and post it for the price of a copy: most events do nothing but happen, so
 * only the few that identify, set properties or name a group carry an object.
 */
export interface BulkBatch {
  /** The events' rows joined with the row separator. */
  readonly rows: string;
  readonly count: number;
  readonly projectIds: readonly string[];
  readonly distinctIds: readonly string[];
  readonly timestamps: Float64Array;
  /** The events that do more than happen, by position in the batch. */
  readonly acts: readonly BulkAct[];
}

export interface BulkAct extends Pick<IdentityInput, 'identity' | 'personOps' | 'groupIdentify'> {
  readonly at: number;
}

/**
 * A batch whose persons are resolved already (by the thread that made it):
 * the rows and each row's person. Its identity changes travel separately
 * (`BulkWriter.commitResolved`), folded over many batches.
 */
export interface ResolvedBatch {
  /** The events' rows joined with the row separator. */
  readonly rows: string;
  readonly count: number;
  readonly personIds: readonly string[];
}

/** The events' rows in the spool's encoding, joined with the row separator. */
export function encodeRows(events: readonly CanonicalEvent[]): string {
  const rows = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) rows[i] = encodeEventRow(events[i] as CanonicalEvent);
  return rows.join(ROW_SEPARATOR);
}

/** Encodes events for the bulk path (`BulkWriter.addBatch`). */
export function encodeBulkBatch(events: readonly CanonicalEvent[]): BulkBatch {
  const count = events.length;
  const rows = new Array<string>(count);
  const projectIds = new Array<string>(count);
  const distinctIds = new Array<string>(count);
  const timestamps = new Float64Array(count);
  const acts: BulkAct[] = [];
  for (let i = 0; i < count; i++) {
    const e = events[i] as CanonicalEvent;
    rows[i] = encodeEventRow(e);
    projectIds[i] = e.projectId;
    distinctIds[i] = e.distinctId;
    timestamps[i] = e.timestamp;
    if (e.identity || e.personOps || e.groupIdentify) {
      acts.push({
        at: i,
        identity: e.identity,
        personOps: e.personOps,
        groupIdentify: e.groupIdentify,
      });
    }
  }
  return { rows: rows.join(ROW_SEPARATOR), count, projectIds, distinctIds, timestamps, acts };
}

/** What resolution reads of an event, and its row among its chunk's rows. */
export type BulkHead = IdentityInput & { readonly row: number };

/** Appends the heads of `batch`'s events to `heads`, numbering their rows on from its length. */
export function appendHeads(batch: BulkBatch, heads: BulkHead[]): void {
  let row = heads.length;
  let next = 0;
  for (let i = 0; i < batch.count; i++) {
    const act = batch.acts[next]?.at === i ? batch.acts[next++] : undefined;
    heads.push({
      projectId: batch.projectIds[i] ?? '',
      distinctId: batch.distinctIds[i] ?? '',
      timestamp: batch.timestamps[i] ?? 0,
      identity: act?.identity ?? null,
      personOps: act?.personOps ?? null,
      groupIdentify: act?.groupIdentify ?? null,
      row: row++,
    });
  }
}

import { type EventStore, eventKey } from '@opsloop/store/events/event-store';
import type { CommittedChanges, IdentityStore } from '@opsloop/store/identity/identity-store';
import { type EventHead, ROW_SEPARATOR } from '@opsloop/store/spool/event-rows';
import type { Spool } from '@opsloop/store/spool/spool';
import { resolveIdentities } from './resolve-identities.js';

/** One flush, ready to be written: identity is already committed. */
export interface PreparedFlush {
  /** The last spooled batch taken; deleted from the spool once written. */
  readonly lastId: number;
  readonly batches: number;
  readonly firstAcceptedAt: number;
  /** Spooled events taken, and how many of them are new. */
  readonly total: number;
  readonly fresh: number;
  /** Keys of the new events: the next flush may be prepared before these are stored. */
  readonly keys: ReadonlySet<string>;
  /** The spooled rows, joined, and one person id per row ('' for a duplicate). */
  readonly rows: string;
  readonly personIds: string[];
  /** Outbox entries to mirror with this flush, the flush's own last. */
  readonly identity: CommittedChanges[];
  /** The highest identity `seq` this flush mirrors. */
  readonly mirroredSeq: number;
}

export interface PrepareOptions {
  readonly spool: Spool;
  readonly identity: IdentityStore;
  readonly events: EventStore;
  readonly maxEvents: number;
  /** The flush being written meanwhile, if any: its batches and keys are taken. */
  readonly inFlight: PreparedFlush | undefined;
  /** The highest identity `seq` mirrored or being mirrored. */
  readonly mirroredSeq: number;
}

/**
 * Reads the next spooled batches, drops duplicates (within them, stored, or in
 * the flush being written), resolves persons and commits the identity changes
 * with their outbox entry. Returns null when nothing new is spooled.
 */
export async function prepareFlush(o: PrepareOptions): Promise<PreparedFlush | null> {
  const batches = o.spool.readBatches({
    maxEvents: o.maxEvents,
    ...(o.inFlight ? { afterId: o.inFlight.lastId } : {}),
  });
  const first = batches[0];
  const last = batches.at(-1);
  if (!first || !last) return null;

  // Every spooled event is a row of the joined text; heads remember their row.
  const rows: string[] = [];
  const unique = new Map<string, EventHead & { readonly row: number }>();
  let total = 0;
  for (const b of batches) {
    if (b.heads.length !== b.count) {
      throw new Error(`spooled batch ${b.id}: ${b.count} events but ${b.heads.length} heads`);
    }
    rows.push(b.rows);
    for (const h of b.heads) {
      const key = eventKey(h.projectId, h.uuid);
      if (!unique.has(key) && !o.inFlight?.keys.has(key)) unique.set(key, { ...h, row: total });
      total++;
    }
  }
  const candidates = [...unique.values()];
  const stored = await o.events.findStored(candidates);
  const keys = new Set<string>();
  const fresh: Array<EventHead & { readonly row: number }> = [];
  for (const [key, head] of unique) {
    if (stored.has(key)) continue;
    keys.add(key);
    fresh.push(head);
  }

  const resolved = await resolveIdentities(fresh, o.identity);
  const c = resolved.changes;
  const identity = await o.identity.changesAfter(o.mirroredSeq);
  if (c.merges.length + c.distinctIds.length + c.persons.length + c.groups.length > 0) {
    identity.push({ ...c, seq: await o.identity.commit(c) });
  }

  // '' skips a row: a duplicate, within this flush, in flight or already stored.
  const personIds = new Array<string>(total).fill('');
  for (const e of resolved.events) personIds[e.row] = e.personId;
  return {
    lastId: last.id,
    batches: batches.length,
    firstAcceptedAt: first.acceptedAt,
    total,
    fresh: fresh.length,
    keys,
    rows: rows.join(ROW_SEPARATOR),
    personIds,
    identity,
    mirroredSeq: identity.at(-1)?.seq ?? o.mirroredSeq,
  };
}

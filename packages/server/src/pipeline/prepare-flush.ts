import type { EventStore } from '@opsloop/store/events/event-store';
import type { CommittedChanges, IdentityStore } from '@opsloop/store/identity/identity-store';
import { type EventHead, ROW_SEPARATOR } from '@opsloop/store/spool/event-rows';
import type { Spool } from '@opsloop/store/spool/spool';
import { resolvePersons } from './resolve-identities.js';

/** Project id → uuid → the first head with that key. */
type Taken = ReadonlyMap<string, ReadonlyMap<string, EventHead>>;

/** One flush, ready to be written: identity is already committed. */
export interface PreparedFlush {
  /** The last spooled batch taken; deleted from the spool once written. */
  readonly lastId: number;
  readonly batches: number;
  readonly firstAcceptedAt: number;
  /** Spooled events taken, and how many of them are new. */
  readonly total: number;
  readonly fresh: number;
  /** Every key taken (new or stored): the next flush may be prepared before these are stored. */
  readonly keys: Taken;
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

  // Keyed per project by uuid: the uuids come from JSON.parse, so their hashes
  // are computed once, where `project uuid` strings would be built per event.
  const taken = new Map<string, Map<string, EventHead>>();
  const candidates: EventHead[] = [];
  const rows: string[] = [];
  let total = 0;
  for (const b of batches) {
    if (b.heads.length !== b.count) {
      throw new Error(`spooled batch ${b.id}: ${b.count} events but ${b.heads.length} heads`);
    }
    rows.push(b.rows);
    total += b.count;
    for (const h of b.heads) {
      let uuids = taken.get(h.projectId);
      if (!uuids) {
        uuids = new Map();
        taken.set(h.projectId, uuids);
      }
      if (uuids.has(h.uuid) || o.inFlight?.keys.get(h.projectId)?.has(h.uuid)) continue;
      uuids.set(h.uuid, h);
      candidates.push(h);
    }
  }
  const stored = await o.events.findStored(candidates);
  let fresh = candidates;
  if (stored.size > 0) {
    const skip = new Set<EventHead>();
    for (const key of stored) {
      const cut = key.lastIndexOf(' ');
      const head = taken.get(key.slice(0, cut))?.get(key.slice(cut + 1));
      if (head) skip.add(head);
    }
    fresh = candidates.filter((h) => !skip.has(h));
  }

  // '' skips a row: a duplicate, within this flush, in flight or already stored.
  const personIds = new Array<string>(total).fill('');
  const c = await resolvePersons(fresh, o.identity, {
    onPerson: (h, personId) => {
      personIds[h.row] = personId;
    },
  });
  const identity = await o.identity.changesAfter(o.mirroredSeq);
  if (c.merges.length + c.distinctIds.length + c.persons.length + c.groups.length > 0) {
    identity.push({ ...c, seq: await o.identity.commit(c) });
  }
  return {
    lastId: last.id,
    batches: batches.length,
    firstAcceptedAt: first.acceptedAt,
    total,
    fresh: fresh.length,
    keys: taken,
    rows: rows.join(ROW_SEPARATOR),
    personIds,
    identity,
    mirroredSeq: identity.at(-1)?.seq ?? o.mirroredSeq,
  };
}

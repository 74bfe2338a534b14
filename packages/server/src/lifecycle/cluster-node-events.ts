import type { EventClaims } from '@opsloop/store/cluster/event-claims';
import type { EventKey, EventStore } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import { toMirror } from '../pipeline/to-mirror.js';

/** What an API node shares with the other nodes of its cluster. */
export interface ClusterNode {
  /** This node's lasting name (`nodeId`). */
  readonly owner: string;
  readonly claims: EventClaims;
  /** The shared identity store: its outbox is what the mirror applies. */
  readonly identity: IdentityStore;
  /** Held by one node at a time while it brings the identity mirror up to date. */
  readonly mirrorLock: { run<T>(fn: () => Promise<T>): Promise<T> };
}

const NO_EVENTS = { rows: '', count: 0 };

/**
 * The shared event store as one node's pipeline must use it:
 * - an event counts as stored when the store has it or another node claimed
 *   it (`EventClaims`), so a retry sent to two nodes is written once;
 * - identity change sets are applied in sequence order across all nodes: after
 *   writing its events, a node takes the mirror lock and applies every change
 *   set after the store's watermark, its own and other nodes' alike. Applied
 *   per node instead, a change set could overtake an earlier one committed by
 *   another node, and the earlier one would then be skipped as already seen.
 *
 * The events and the mirror are two writes here (ClickHouse has no
 * transaction across tables anyway): for a moment, events may name a person
 * the mirror does not show yet. A crash between them loses nothing: the spool
 * keeps the events until both are done, and the outbox keeps the change sets.
 */
export function clusterNodeEvents<T extends EventStore>(store: T, node: ClusterNode): T {
  const findStored = async (keys: readonly EventKey[]): Promise<Set<string>> => {
    const [stored, elsewhere] = await Promise.all([
      store.findStored(keys),
      node.claims.claim(keys, node.owner),
    ]);
    for (const k of elsewhere) stored.add(k);
    return stored;
  };
  const mirror = () =>
    node.mirrorLock.run(async () => {
      const outbox = await node.identity.changesAfter(await store.identityWatermark());
      if (outbox.length === 0) return;
      await store.writeEncoded({
        events: NO_EVENTS,
        personIds: [],
        identity: outbox.map(toMirror),
      });
    });
  const writeEncoded: EventStore['writeEncoded'] = async (batch) => {
    if (batch.events.count > 0) await store.writeEncoded({ ...batch, identity: [] });
    if (batch.identity.length > 0) await mirror();
  };
  const write: EventStore['write'] = async (batch) => {
    if (batch.events.length > 0) await store.write({ events: batch.events, identity: [] });
    if (batch.identity.length > 0) await mirror();
  };
  const own: Partial<Record<PropertyKey, unknown>> = { findStored, writeEncoded, write };
  // A proxy rather than a wrapper class, so members a particular store adds
  // (e.g. streamed reads for analytics) stay visible with their own types.
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop in own) return own[prop];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

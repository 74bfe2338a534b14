import type { EventKey, EventStore } from '../events/event-store.js';

/**
 * Which node writes an event, when several nodes may receive it. Every API
 * node of a cluster has its own spool, so a client that retries an event
 * against another node can leave it in two spools at once; probing the event
 * store (`findStored`) cannot see an event the other node has not written yet.
 * Before a flush writes, its node claims the events' keys; a key another node
 * claimed first is that node's to write, and this flush skips it.
 *
 * A claim outlives the write only briefly: once the event is stored, the
 * event store's own probe answers. A node that restarts after a crash claims
 * its spooled events again under the same owner and gets them back.
 */
export interface EventClaims {
  /**
   * Claims `keys` for `owner` and returns those (as `eventKey`s) another owner
   * holds. Keys already held by `owner` stay its own.
   */
  claim(keys: readonly EventKey[], owner: string): Promise<Set<string>>;
  close(): Promise<void>;
}

/**
 * The event store as a node's flusher must see it in a cluster: an event
 * counts as stored when the store has it or another node claimed it. Every
 * other member (queries, deletes, the store's own extras) is the store's.
 */
export function withEventClaims<T extends EventStore>(
  store: T,
  claims: EventClaims,
  owner: string,
): T {
  const findStored = async (keys: readonly EventKey[]): Promise<Set<string>> => {
    const [stored, elsewhere] = await Promise.all([
      store.findStored(keys),
      claims.claim(keys, owner),
    ]);
    for (const k of elsewhere) stored.add(k);
    return stored;
  };
  // A proxy rather than a wrapper class, so members a particular store adds
  // (e.g. streamed reads) stay visible with their own types.
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'findStored') return findStored;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

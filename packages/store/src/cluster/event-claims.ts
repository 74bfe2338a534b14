import type { EventKey } from '../events/event-store.js';

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

import type { EventStore } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import type { BulkStores } from './bulk-write.js';
import type { Flusher } from './flusher.js';

/** A running server's way into the bulk write path (see `BulkWriter`). */
export interface BulkAccess {
  /**
   * Runs `fn` with the flusher stopped (after it drained the spool), then
   * restarts it. Captured events keep being spooled meanwhile and are flushed
   * afterwards. Calls run one at a time.
   */
  exclusive<T>(fn: (stores: BulkStores) => Promise<T>): Promise<T>;
}

/**
 * Bulk access to the stores an opened pipeline owns: the bulk writer and the
 * flusher both advance the identity watermark, so they must never overlap.
 */
export function bulkAccess(p: {
  readonly events: EventStore;
  readonly identity: IdentityStore;
  readonly flusher: Pick<Flusher, 'stop' | 'start'>;
  /** Whether the flusher runs in the background (restarted after each bulk write). */
  readonly background: boolean;
}): BulkAccess {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    exclusive<T>(fn: (stores: BulkStores) => Promise<T>): Promise<T> {
      const run = queue
        .catch(() => undefined)
        .then(async () => {
          await p.flusher.stop();
          try {
            return await fn({ events: p.events, identity: p.identity });
          } finally {
            if (p.background) p.flusher.start();
          }
        });
      queue = run;
      return run;
    },
  };
}

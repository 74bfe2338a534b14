import type { AppContext } from '../app-context.js';

export interface CompactionJob {
  /** Compacts now if the policy says so; resolves to whether it did. */
  runOnce(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface CompactionPolicy {
  /** How often the sizes are looked at. */
  readonly checkEveryMs: number;
  /** Compact once the recent part holds at least this many events… */
  readonly minRecent: number;
  /** …and at least this share of the sorted part's (each run rewrites everything). */
  readonly recentShare: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = Object.freeze({
  checkEveryMs: 60_000,
  minRecent: 20_000,
  recentShare: 0.1,
});

/** Whether a store with these part sizes is due a compaction. */
export const compactionDue = (
  sizes: { readonly sorted: number; readonly recent: number },
  policy: CompactionPolicy,
): boolean => sizes.recent >= Math.max(policy.minRecent, policy.recentShare * sizes.sorted);

/**
 * Keeps the embedded event store's events mostly in person order: when the
 * part appended since the last compaction has grown past the policy's share,
 * rewrites everything in (project, person, time) order (funnels fold that
 * part person by person, `PersonRunFold`). A rewrite costs time in
 * proportion to all events, so the share bounds the write amplification:
 * with 10%, each event is rewritten about ten times over the store's growth
 * by ten times. Stores without a person-ordered part get no job.
 */
export function startCompactionJob(
  ctx: Pick<AppContext, 'events' | 'log'>,
  policy: CompactionPolicy = DEFAULT_COMPACTION,
): CompactionJob | undefined {
  const { events } = ctx;
  const sizes = events.unsortedEvents?.bind(events);
  const compact = events.compactEvents?.bind(events);
  if (!sizes || !compact) return undefined;
  let running: Promise<boolean> | undefined;
  const round = async () => {
    if (!compactionDue(await sizes(), policy)) return false;
    const done = await compact();
    ctx.log.info({ events: done.events, ms: Math.round(done.ms) }, 'events compacted');
    return true;
  };
  const runOnce = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    void runOnce().catch((err: unknown) => ctx.log.warn({ err }, 'event compaction failed'));
  }, policy.checkEveryMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

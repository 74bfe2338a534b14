import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { enforceRetention } from '../privacy/retention-job.js';
import { computeSegment } from './service.js';

export interface PeopleJobs {
  /** Runs one round now (tests, and the first round at start). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The background loop of the people capability: recomputes dynamic segments
 * (least recently computed first) every `segmentIntervalMs`, and applies
 * event retention every `retentionIntervalMs`. One round at a time; a failing
 * segment is logged and skipped, never stops the loop. When several API nodes
 * share the metadata store, only the holder of the jobs' lease runs rounds.
 */
const started = new WeakMap<AppContext, PeopleJobs>();
const LEASE = 'people-jobs';

/** The jobs started for a context, if any (tests run a round on demand). */
export const peopleJobsOf = (ctx: AppContext): PeopleJobs | undefined => started.get(ctx);

export function startPeopleJobs(
  ctx: AppContext,
  options: { segmentIntervalMs?: number; retentionIntervalMs?: number } = {},
): PeopleJobs {
  const segmentEvery = options.segmentIntervalMs ?? 10 * 60_000;
  const retentionEvery = options.retentionIntervalMs ?? 60 * 60_000;
  let lastRetention = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = Math.min(segmentEvery, retentionEvery, 60_000);
  const holder = randomUUID();

  const round = async () => {
    // Held for three ticks and renewed every round: a holder that dies is replaced after that.
    if (!(await ctx.meta.jobLeases.acquire(LEASE, holder, ctx.now(), 3 * tick))) return;
    for (const segment of await ctx.meta.segments.listDynamic()) {
      if (stopped) return;
      if (segment.computedAt !== null && ctx.now() - segment.computedAt < segmentEvery) continue;
      try {
        await computeSegment(ctx, segment);
      } catch (err) {
        ctx.log.warn({ err, segmentId: segment.id }, 'segment computation failed');
      }
    }
    if (!stopped && ctx.now() - lastRetention >= retentionEvery) {
      lastRetention = ctx.now();
      await enforceRetention(ctx).catch((err: unknown) =>
        ctx.log.warn({ err }, 'event retention failed'),
      );
    }
  };
  const runOnce = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    void runOnce().catch((err: unknown) => ctx.log.warn({ err }, 'people jobs failed'));
  }, tick);
  timer.unref();
  const jobs: PeopleJobs = {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      await ctx.meta.jobLeases
        .release(LEASE, holder)
        .catch((err: unknown) => ctx.log.warn({ err }, 'releasing the people jobs lease failed'));
      started.delete(ctx);
    },
  };
  started.set(ctx, jobs);
  return jobs;
}

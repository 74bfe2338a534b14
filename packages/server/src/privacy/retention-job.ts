import type { AppContext } from '../app-context.js';

const DAY_MS = 86_400_000;

/**
 * Deletes, for every project with `eventRetentionDays`, the events older than
 * that many days. Returns what was deleted per project (projects with nothing
 * to delete are left out).
 */
export async function enforceRetention(ctx: AppContext): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { projectId, days } of await ctx.meta.peopleSettings.retentionLimits()) {
    const n = await ctx.events.deleteEventsBefore(projectId, ctx.now() - days * DAY_MS);
    if (n > 0) {
      out.set(projectId, n);
      ctx.log.info({ projectId, deleted: n, days }, 'event retention applied');
    }
  }
  return out;
}

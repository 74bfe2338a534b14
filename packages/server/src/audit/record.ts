import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/access.js';

/**
 * Writes one entry of an organisation's audit log for an administrative act.
 * The actor is the user, and the key when a secret key was used.
 */
export async function recordAudit(
  ctx: AppContext,
  principal: Principal,
  entry: {
    orgId: string;
    projectId?: string | null;
    action: string;
    target?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await ctx.meta.audit.append({
    orgId: entry.orgId,
    projectId: entry.projectId ?? null,
    actorUserId: principal.user.id,
    actorKeyId: principal.kind === 'key' ? principal.key.id : null,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
  });
}

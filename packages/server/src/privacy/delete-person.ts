import { isPersonId } from '@opsloop/engine/people/person-scope';
import type { Project } from '@opsloop/store';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import type { Principal } from '../auth/access.js';
import { forgetCatalog } from '../definitions/catalog.js';
import { notFound } from '../http/errors.js';
import {
  loadProfile,
  loadTimeline,
  type PersonProfile,
  type TimelineEvent,
} from '../people/person-view.js';

/**
 * Forgets a person: their events (also those stored under ids merged into
 * them), profile, distinct ids and segment memberships; the deletion itself is
 * kept in the organisation's audit log (ids and counts, no personal data).
 */
export async function deletePerson(
  ctx: AppContext,
  principal: Principal,
  project: Project,
  personId: string,
): Promise<{ events: number; distinctIds: number; segmentRows: number }> {
  if (!isPersonId(personId)) throw notFound('The person');
  const removed = await ctx.events.deletePerson(project.id, personId);
  const segmentRows = await ctx.meta.segments.forgetPerson(project.id, personId);
  if (removed.events === 0 && removed.distinctIds.length === 0 && segmentRows === 0)
    throw notFound('The person');
  forgetCatalog(ctx, project.id);
  await recordAudit(ctx, principal, {
    orgId: project.orgId,
    projectId: project.id,
    action: 'person.delete',
    target: personId,
    details: {
      events: removed.events,
      distinctIds: removed.distinctIds.length,
      segmentRows,
    },
  });
  return { events: removed.events, distinctIds: removed.distinctIds.length, segmentRows };
}

/** Everything stored about a person, for a data-subject access request. */
export async function exportPerson(
  ctx: AppContext,
  projectId: string,
  personId: string,
): Promise<{ person: PersonProfile; events: TimelineEvent[] }> {
  const person = await loadProfile(ctx, projectId, personId, { historyLimit: 10_000 });
  const events: TimelineEvent[] = [];
  let cursor: string | null = null;
  let page = await loadTimeline(ctx, projectId, personId, { limit: 1000 });
  for (;;) {
    events.push(...page.events);
    cursor = page.next;
    if (!cursor) break;
    const [ts, uuid] = cursor.split('_');
    page = await loadTimeline(ctx, projectId, personId, {
      limit: 1000,
      cursor: { ts: Number(ts), uuid: uuid ?? '' },
    });
  }
  return { person, events };
}

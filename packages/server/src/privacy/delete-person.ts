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
 * them), profile, distinct ids and segment memberships, in the event store
 * and in the identity store, so the next event from one of their old distinct
 * ids starts a new person with none of the old properties. The deletion itself
 * is kept in the organisation's audit log (ids and counts, no personal data).
 *
 * It runs with the flusher stopped after it drained the spool: events already
 * accepted for the person are stored first and deleted with the rest, and no
 * flush can resolve an event into the person between the two stores' deletes.
 * Events captured meanwhile stay spooled and are flushed afterwards.
 */
export async function deletePerson(
  ctx: AppContext,
  principal: Principal,
  project: Project,
  personId: string,
): Promise<{ events: number; distinctIds: number; segmentRows: number }> {
  if (!isPersonId(personId)) throw notFound('The person');
  const id = personId.toLowerCase();
  if (!ctx.bulk) throw new Error('Deleting a person needs the ingestion pipeline’s stores.');
  const removed = await ctx.bulk.exclusive(async ({ identity, events }) => {
    // Identity first: after a crash between the two, the events are still
    // found by their person and a repeated request finishes the job.
    const forgotten = await identity.forgetPersons(project.id, [id]);
    const stored = await events.deletePerson(project.id, id);
    return {
      events: stored.events,
      distinctIds: new Set([...forgotten.distinctIds, ...stored.distinctIds]).size,
      persons: forgotten.persons,
    };
  });
  const segmentRows = await ctx.meta.segments.forgetPerson(project.id, id);
  if (
    removed.events === 0 &&
    removed.distinctIds === 0 &&
    removed.persons === 0 &&
    segmentRows === 0
  )
    throw notFound('The person');
  forgetCatalog(ctx, project.id);
  await recordAudit(ctx, principal, {
    orgId: project.orgId,
    projectId: project.id,
    action: 'person.delete',
    target: id,
    details: { events: removed.events, distinctIds: removed.distinctIds, segmentRows },
  });
  return { events: removed.events, distinctIds: removed.distinctIds, segmentRows };
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

import {
  personProfileQuery,
  propertyHistoryQuery,
  type TimelineCursor,
  timelineQuery,
} from '@opsloop/engine/people/person-profile';
import { isPersonId, mergedIdsQuery } from '@opsloop/engine/people/person-scope';
import type { AppContext } from '../app-context.js';
import { badRequest, notFound } from '../http/errors.js';
import { iso, json, num } from './analytics.js';

export interface PersonProfile {
  id: string;
  properties: Record<string, unknown>;
  isIdentified: boolean;
  createdAt: string | null;
  distinctIds: string[];
  firstSeen: string | null;
  lastSeen: string | null;
  groups: { type: string; key: string }[];
  segments: { id: string; name: string; enteredAt: string }[];
  propertyHistory: {
    at: string;
    event: string;
    set: Record<string, unknown>;
    setOnce: Record<string, unknown>;
    unset: string[];
  }[];
}

/** The person's profile; a 404 when the project has no such person. */
export async function loadProfile(
  ctx: AppContext,
  projectId: string,
  personId: string,
  options: { historyLimit: number },
): Promise<PersonProfile> {
  if (!isPersonId(personId)) throw notFound('The person');
  const dialect = ctx.events.dialect;
  const [row] = await ctx.events.execute(personProfileQuery(projectId, personId, { dialect }));
  if (!row) throw notFound('The person');
  const history = await ctx.events.execute(
    propertyHistoryQuery(projectId, personId, options.historyLimit, { dialect }),
  );
  const groups = new Map<string, { type: string; key: string }>();
  for (const g of Array.isArray(row['groups']) ? row['groups'] : [])
    for (const [type, key] of Object.entries(json(g)))
      groups.set(`${type}\u0000${String(key)}`, { type, key: String(key) });
  const segments = await ctx.meta.segments.forPerson(projectId, personId);
  return {
    id: personId,
    properties: json(row['props']),
    // Engines without booleans (ClickHouse) answer 1/0.
    isIdentified: row['is_identified'] === true || Number(row['is_identified']) === 1,
    createdAt: iso(num(row['created_at'])),
    distinctIds: Array.isArray(row['distinct_ids']) ? row['distinct_ids'].map(String) : [],
    firstSeen: iso(num(row['first_seen'])),
    lastSeen: iso(num(row['last_seen'])),
    groups: [...groups.values()].sort((a, b) =>
      a.type === b.type ? a.key.localeCompare(b.key) : a.type.localeCompare(b.type),
    ),
    segments: segments.map((s) => ({
      id: s.segment.id,
      name: s.segment.name,
      enteredAt: new Date(s.enteredAt).toISOString(),
    })),
    propertyHistory: history.map((h) => {
      const ops = json(h['person_ops']);
      const obj = (v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? (v as Record<string, unknown>)
          : {};
      return {
        at: iso(num(h['ts'])) ?? '',
        event: String(h['event']),
        set: obj(ops['set']),
        setOnce: obj(ops['setOnce']),
        unset: Array.isArray(ops['unset']) ? ops['unset'].map(String) : [],
      };
    }),
  };
}

export interface TimelineEvent {
  uuid: string;
  event: string;
  distinctId: string;
  timestamp: string;
  properties: Record<string, unknown>;
  url: string | null;
  sessionId: string | null;
}

/** `<epoch ms>_<uuid>` of the last event of a page. */
export const encodeCursor = (c: TimelineCursor): string => `${c.ts}_${c.uuid}`;
export function decodeCursor(raw: string | undefined): TimelineCursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = /^(-?\d{1,15})_([0-9a-f-]{36})$/i.exec(raw);
  if (!m || !isPersonId(m[2] ?? ''))
    throw badRequest('query.before: not a cursor from a previous page', [
      { path: 'query.before', message: 'not a cursor from a previous page' },
    ]);
  return { ts: Number(m[1]), uuid: m[2] ?? '' };
}

/** One page of the person's events, newest first. */
export async function loadTimeline(
  ctx: AppContext,
  projectId: string,
  personId: string,
  options: { limit: number; cursor?: TimelineCursor | undefined },
): Promise<{ events: TimelineEvent[]; next: string | null }> {
  if (!isPersonId(personId)) throw notFound('The person');
  const dialect = ctx.events.dialect;
  const mergedIds = (
    await ctx.events.execute(mergedIdsQuery(projectId, personId, { dialect }))
  ).map((r) => String(r['id']));
  const rows = await ctx.events.execute(
    timelineQuery(projectId, personId, { ...options, mergedIds, dialect }),
  );
  const events = rows.map((r) => ({
    uuid: String(r['uuid']),
    event: String(r['event']),
    distinctId: String(r['distinct_id']),
    timestamp: iso(num(r['ts'])) ?? '',
    properties: json(r['properties']),
    url: typeof r['url'] === 'string' ? r['url'] : null,
    sessionId: typeof r['session_id'] === 'string' ? r['session_id'] : null,
  }));
  const last = rows.at(-1);
  return {
    events,
    next:
      last && rows.length === options.limit
        ? encodeCursor({ ts: num(last['ts']) ?? 0, uuid: String(last['uuid']) })
        : null,
  };
}

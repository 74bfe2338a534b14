import { ApiRequestError, api } from './client';

/**
 * Event and property names for the pickers. The project's definitions API
 * (`/definitions/…`) is asked first; a server without it answers from the
 * event store's recent events (`/events/names`, `/events/properties`).
 * Answers are kept for the session: names change slowly.
 */

export interface EventName {
  readonly name: string;
  readonly count: number;
  /** An ISO instant (definitions API) or epoch ms (event store fallback). */
  readonly lastSeen?: string | number | null;
}
export interface PropertyNames {
  readonly event: readonly string[];
  readonly person: readonly string[];
}

const eventCache = new Map<string, Promise<readonly EventName[]>>();
const propertyCache = new Map<string, Promise<PropertyNames>>();

const missing = (e: unknown) =>
  e instanceof ApiRequestError && (e.status === 404 || e.code === 'route_not_found');
const base = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;

async function fetchEventNames(projectId: string): Promise<readonly EventName[]> {
  try {
    const r = await api<{ events: EventName[] }>('GET', `${base(projectId)}/definitions/events`);
    return r.events;
  } catch (e) {
    if (!missing(e)) throw e;
    const r = await api<{ events: EventName[] }>('GET', `${base(projectId)}/events/names`);
    return r.events;
  }
}

async function fetchPropertyNames(projectId: string): Promise<PropertyNames> {
  try {
    const r = await api<{ event: { name: string }[]; person: { name: string }[] }>(
      'GET',
      `${base(projectId)}/definitions/properties`,
    );
    return { event: r.event.map((p) => p.name), person: r.person.map((p) => p.name) };
  } catch (e) {
    if (!missing(e)) throw e;
    const r = await api<{ properties: { name: string }[] }>(
      'GET',
      `${base(projectId)}/events/properties`,
    );
    return { event: r.properties.map((p) => p.name), person: [] };
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) {
  let p = cache.get(key);
  if (!p) {
    p = load();
    // A failure is not remembered: the next picker asks again.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export const loadEventNames = (projectId: string) =>
  cached(eventCache, projectId, () => fetchEventNames(projectId));
export const loadPropertyNames = (projectId: string) =>
  cached(propertyCache, projectId, () => fetchPropertyNames(projectId));

export interface SegmentSummary {
  readonly id: string;
  readonly name: string;
}

/** The project's saved segments, or none when the server has no segments API yet. */
export async function loadSegments(projectId: string): Promise<readonly SegmentSummary[]> {
  try {
    const r = await api<{ segments: SegmentSummary[] }>('GET', `${base(projectId)}/segments`);
    return r.segments;
  } catch (e) {
    if (missing(e)) return [];
    throw e;
  }
}

import { api } from './client';
import type { Filter } from './query';

/** Persons, segments and portraits (`/api/projects/:id/{persons,segments,portraits}`). */

export interface PersonSummary {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly distinctIds: readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
}

export interface PersonProfile {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly isIdentified: boolean;
  readonly distinctIds: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly segments: readonly { id: string; name: string; enteredAt: string }[];
}

export interface TimelineEvent {
  readonly uuid: string;
  readonly event: string;
  readonly timestamp: string;
  readonly url: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Segment {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly kind: 'dynamic' | 'static';
  readonly filter: Filter | null;
  readonly size: number;
  readonly computedAt: string | null;
}

export interface Portrait {
  readonly properties: readonly {
    property: string;
    values: readonly { value: string | null; segmentShare: number | null; lift?: number | null }[];
  }[];
}

const base = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;
const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export function listPersons(
  projectId: string,
  q: { search?: string; where?: Filter; limit: number; offset: number },
  signal?: AbortSignal,
) {
  const p = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
  if (q.search) p.set('search', q.search);
  if (q.where) p.set('where', JSON.stringify(q.where));
  return api<{ count: number; persons: PersonSummary[] }>(
    'GET',
    `${base(projectId)}/persons?${p.toString()}`,
    undefined,
    opt(signal),
  );
}

export const loadPerson = (projectId: string, id: string, signal?: AbortSignal) =>
  api<PersonProfile>(
    'GET',
    `${base(projectId)}/persons/${encodeURIComponent(id)}`,
    undefined,
    opt(signal),
  );

export function loadTimeline(
  projectId: string,
  id: string,
  before: string | null,
  signal?: AbortSignal,
) {
  const p = new URLSearchParams({ limit: '50' });
  if (before) p.set('before', before);
  return api<{ events: TimelineEvent[]; next: string | null }>(
    'GET',
    `${base(projectId)}/persons/${encodeURIComponent(id)}/events?${p.toString()}`,
    undefined,
    opt(signal),
  );
}

export const listSegments = (projectId: string, signal?: AbortSignal) =>
  api<{ segments: Segment[] }>('GET', `${base(projectId)}/segments`, undefined, opt(signal)).then(
    (r) => r.segments,
  );

export const createSegment = (projectId: string, input: { name: string; filter: Filter }) =>
  api<Segment>('POST', `${base(projectId)}/segments`, input);

export const importSegment = (
  projectId: string,
  input: { name: string; csv: string; matchBy: 'distinct_id' | 'email' },
) =>
  api<{ segment: Segment; rows: number; matched: number }>(
    'POST',
    `${base(projectId)}/segments/static`,
    input,
  );

export const loadPortrait = (projectId: string, segmentId: string, signal?: AbortSignal) =>
  api<Portrait>(
    'GET',
    `${base(projectId)}/portraits?segmentId=${encodeURIComponent(segmentId)}`,
    undefined,
    opt(signal),
  );

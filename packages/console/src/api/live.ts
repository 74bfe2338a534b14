import { api } from './client';

export interface LiveEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  readonly personId: string;
  readonly timestamp: number;
  readonly receivedAt: number;
  readonly url: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface LivePage {
  readonly events: readonly LiveEvent[];
  readonly cursor: string | null;
  readonly skipped: boolean;
}

/** Events that arrived after `after` (the `cursor` of the previous page), newest first. */
export function loadRecentEvents(
  projectId: string,
  options: { after?: string | null; limit?: number; signal?: AbortSignal } = {},
): Promise<LivePage> {
  const q = new URLSearchParams();
  if (options.after) q.set('after', options.after);
  if (options.limit) q.set('limit', String(options.limit));
  const qs = q.toString();
  return api<LivePage>(
    'GET',
    `/api/projects/${encodeURIComponent(projectId)}/events/recent${qs ? `?${qs}` : ''}`,
    undefined,
    { ...(options.signal ? { signal: options.signal } : {}) },
  );
}

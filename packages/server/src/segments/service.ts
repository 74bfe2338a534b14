import { matchPersonsQuery } from '@opsloop/engine/segments/match-csv';
import { segmentMembersQuery } from '@opsloop/engine/segments/members-sql';
import { resolveFilter } from '@opsloop/engine/segments/resolve';
import type { Filter } from '@opsloop/schema';
import type { Segment } from '@opsloop/store';
import type { AppContext } from '../app-context.js';
import { checkFilterProperties } from '../definitions/catalog.js';
import { asBadRequest } from '../people/analytics.js';
import { parseIdCsv } from './csv.js';
import { loadSegments } from './resolve.js';

/**
 * Checks a dynamic segment's filter before anything is saved: known
 * properties, known segments, no cycle (including back to `selfId`), and a
 * plan the engine can run. Returns the filter with its segments resolved.
 */
export async function checkSegmentFilter(
  ctx: AppContext,
  projectId: string,
  filter: Filter,
  options: { selfId?: string; path?: string } = {},
): Promise<Filter> {
  const path = options.path ?? 'body.filter';
  await checkFilterProperties(ctx, projectId, filter, path);
  const segments = await loadSegments(ctx, projectId, filter);
  try {
    const resolved = resolveFilter(filter, segments, {
      path,
      ...(options.selfId ? { self: { id: options.selfId, filter } } : {}),
    });
    segmentMembersQuery(resolved, { projectId, asOf: ctx.now(), dialect: ctx.events.dialect });
    return resolved;
  } catch (e) {
    throw asBadRequest(e);
  }
}

/** Evaluates a dynamic segment now and records who entered and left. */
export async function computeSegment(
  ctx: AppContext,
  segment: Segment,
): Promise<{ entered: number; exited: number; size: number }> {
  if (segment.kind !== 'dynamic' || !segment.filter)
    return { entered: 0, exited: 0, size: segment.size };
  const at = ctx.now();
  const segments = await loadSegments(ctx, segment.projectId, segment.filter);
  const resolved = resolveFilter(segment.filter, segments, {
    self: { id: segment.id, filter: segment.filter },
  });
  const rows = await ctx.events.execute(
    segmentMembersQuery(resolved, {
      projectId: segment.projectId,
      asOf: at,
      dialect: ctx.events.dialect,
    }),
  );
  return ctx.meta.segments.applyMembership(
    segment.id,
    rows.map((r) => String(r['id'])),
    at,
  );
}

export interface StaticUpload {
  readonly personIds: string[];
  readonly rows: number;
  readonly unmatched: { line: number; value: string }[];
}

const MATCH_CHUNK = 5000;

/** Matches an uploaded CSV of distinct ids or emails to persons. */
export async function matchUpload(
  ctx: AppContext,
  projectId: string,
  csv: string,
  by: 'distinct_id' | 'email',
): Promise<StaticUpload> {
  const values = parseIdCsv(csv);
  const found = new Map<string, string>();
  const key = (v: string) => (by === 'email' ? v.toLowerCase() : v);
  for (let i = 0; i < values.length; i += MATCH_CHUNK) {
    const chunk = [...new Set(values.slice(i, i + MATCH_CHUNK).map((v) => v.value))];
    for (const r of await ctx.events.execute(
      matchPersonsQuery(projectId, by, chunk, { dialect: ctx.events.dialect }),
    ))
      found.set(key(String(r['value'])), String(r['id']));
  }
  const personIds = new Set<string>();
  const unmatched: { line: number; value: string }[] = [];
  for (const v of values) {
    const id = found.get(key(v.value));
    if (id) personIds.add(id);
    else unmatched.push({ line: v.line, value: v.value });
  }
  return { personIds: [...personIds].sort(), rows: values.length, unmatched };
}

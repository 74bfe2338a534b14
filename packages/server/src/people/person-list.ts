import {
  personCountQuery,
  personDistinctIdsQuery,
  personListQuery,
  personSeenQuery,
} from '@opsloop/engine/people/person-list';
import { resolveFilter } from '@opsloop/engine/segments/resolve';
import type { Filter } from '@opsloop/schema';
import type { AppContext } from '../app-context.js';
import { checkFilterProperties } from '../definitions/catalog.js';
import { loadSegments } from '../segments/resolve.js';
import { asBadRequest, iso, json, num } from './analytics.js';

export interface PersonSummary {
  id: string;
  email: string | null;
  name: string | null;
  distinctIds: string[];
  properties: Record<string, unknown>;
  firstSeen: string | null;
  lastSeen: string | null;
}

/**
 * Resolves a filter's segments and checks its property names: a 400 names an
 * unknown segment, a cycle or an unknown property.
 */
export async function resolvePersonFilter(
  ctx: AppContext,
  projectId: string,
  where: Filter | undefined,
  path: string,
): Promise<Filter | undefined> {
  if (!where) return undefined;
  await checkFilterProperties(ctx, projectId, where, path);
  const segments = await loadSegments(ctx, projectId, where);
  try {
    return resolveFilter(where, segments, { path });
  } catch (e) {
    throw asBadRequest(e);
  }
}

/** A page of persons, newest first, and how many match in all. */
export async function listPersons(
  ctx: AppContext,
  projectId: string,
  q: { where?: Filter | undefined; search?: string | undefined; limit: number; offset: number },
): Promise<{ count: number; persons: PersonSummary[] }> {
  const where = await resolvePersonFilter(ctx, projectId, q.where, 'query.where');
  const dialect = ctx.events.dialect;
  const spec = { projectId, where, search: q.search, asOf: ctx.now(), dialect };
  let rows: Record<string, unknown>[];
  try {
    rows = await ctx.events.execute(personListQuery({ ...spec, limit: q.limit, offset: q.offset }));
  } catch (e) {
    throw asBadRequest(e);
  }
  // Engines without window functions answer the page alone: the rest comes by the page's ids.
  if (rows.length > 0 && !('total' in (rows[0] ?? {})))
    rows = await withSeenAndIds(ctx, projectId, rows);
  const count =
    rows.length > 0 && rows[0]?.['total'] !== undefined
      ? (num(rows[0]?.['total']) ?? 0)
      : (num((await ctx.events.execute(personCountQuery(spec)))[0]?.['n']) ?? 0);
  return {
    count,
    persons: rows.map((r) => {
      const properties = json(r['props']);
      const text = (k: string) =>
        typeof properties[k] === 'string' ? String(properties[k]) : null;
      return {
        id: String(r['id']),
        email: text('email'),
        name: text('name'),
        distinctIds: Array.isArray(r['distinct_ids']) ? r['distinct_ids'].map(String) : [],
        properties,
        firstSeen: iso(num(r['first_seen'])),
        lastSeen: iso(num(r['last_seen'])),
      };
    }),
  };
}

/** The page's rows with their seen times and distinct ids, read by id. */
async function withSeenAndIds(
  ctx: AppContext,
  projectId: string,
  rows: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const options = { dialect: ctx.events.dialect };
  const ids = rows.map((r) => String(r['id']));
  const seen = new Map<string, Record<string, unknown>>();
  for (const r of await ctx.events.execute(personSeenQuery(projectId, ids, options)))
    seen.set(String(r['id']), r);
  const distinct = new Map<string, string[]>();
  for (const r of await ctx.events.execute(personDistinctIdsQuery(projectId, ids, options))) {
    const list = distinct.get(String(r['id'])) ?? [];
    list.push(String(r['distinct_id']));
    distinct.set(String(r['id']), list);
  }
  return rows.map((r) => {
    const s = seen.get(String(r['id']));
    return {
      ...r,
      distinct_ids: distinct.get(String(r['id'])) ?? [],
      first_seen: s?.['first_seen'] ?? null,
      last_seen: s?.['last_seen'] ?? null,
    };
  });
}

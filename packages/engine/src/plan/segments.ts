import type { AnalyticsQuery, Filter } from '@opsloop/schema';
import { QueryPlanError, type ResolvedSegment } from './context.js';

/**
 * Segment ids a query (or a filter) names, so the caller can load them before
 * planning. Dynamic segments may name other segments: load those too, then
 * call again on their filters until nothing new appears.
 *
 * @example
 * const ids = segmentIdsOf(query); // ['s1']
 */
export function segmentIdsOf(value: unknown): string[] {
  const out = new Set<string>();
  walk(value, (x) => {
    if (isSegment(x)) out.add(x.segment);
  });
  return [...out];
}

/**
 * Replaces every `{segment: id}` of the query by its definition: a dynamic
 * segment's filter (its own segments resolved in turn) or a static segment's
 * `{members}`. Unknown ids and cycles are a {@link QueryPlanError} naming the
 * field and the id.
 */
export function resolveSegments<Q extends AnalyticsQuery>(
  query: Q,
  segments: ReadonlyMap<string, ResolvedSegment> | undefined,
): Q {
  return rewrite(query, '', segments, []) as Q;
}

function rewrite(
  value: unknown,
  path: string,
  segments: ReadonlyMap<string, ResolvedSegment> | undefined,
  stack: readonly string[],
): unknown {
  if (Array.isArray(value))
    return value.map((x, i) => rewrite(x, join(path, String(i)), segments, stack));
  if (value === null || typeof value !== 'object') return value;
  if (isSegment(value)) return expand(value.segment, join(path, 'segment'), segments, stack);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = rewrite(v, join(path, k), segments, stack);
  return out;
}

function expand(
  id: string,
  path: string,
  segments: ReadonlyMap<string, ResolvedSegment> | undefined,
  stack: readonly string[],
): Filter {
  const def = segments?.get(id);
  if (!def) throw new QueryPlanError(path, `unknown segment "${id}"`);
  if (stack.includes(id))
    throw new QueryPlanError(
      path,
      `segment "${id}" refers to itself (${[...stack, id].join(' → ')})`,
    );
  if (def.kind === 'static') return { members: { segmentId: id, personIds: def.personIds } };
  return rewrite(def.filter, path, segments, [...stack, id]) as Filter;
}

function isSegment(x: unknown): x is { segment: string } {
  return (
    x !== null &&
    typeof x === 'object' &&
    !Array.isArray(x) &&
    typeof (x as { segment?: unknown }).segment === 'string' &&
    Object.keys(x).length === 1
  );
}

function walk(value: unknown, visit: (x: unknown) => void): void {
  visit(value);
  if (Array.isArray(value)) for (const x of value) walk(x, visit);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) walk(v, visit);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

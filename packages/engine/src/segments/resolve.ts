import type { Filter } from '@opsloop/schema';
import { QueryPlanError, type ResolvedSegment } from '../plan/context.js';
import { resolveSegments, segmentIdsOf } from '../plan/segments.js';

/**
 * Loads every segment a filter names, transitively (a dynamic segment's
 * filter may name others), through `load`. Ids `load` does not know are left
 * out; `resolveSegments` then reports them by path.
 */
export async function loadSegmentsFor(
  value: unknown,
  load: (ids: readonly string[]) => Promise<ReadonlyMap<string, ResolvedSegment>>,
): Promise<Map<string, ResolvedSegment>> {
  const out = new Map<string, ResolvedSegment>();
  let pending = segmentIdsOf(value);
  const asked = new Set<string>();
  while (pending.length > 0) {
    for (const id of pending) asked.add(id);
    const found = await load(pending);
    const next: string[] = [];
    for (const [id, seg] of found) {
      out.set(id, seg);
      if (seg.kind === 'dynamic')
        for (const ref of segmentIdsOf(seg.filter)) if (!asked.has(ref)) next.push(ref);
    }
    pending = [...new Set(next)];
  }
  return out;
}

/**
 * A filter with its segment references replaced by their definitions. Throws
 * {@link QueryPlanError} naming the path for an unknown segment or a cycle.
 * `self` is the id of the segment being saved, so a filter naming it is a cycle.
 */
export function resolveFilter(
  filter: Filter,
  segments: ReadonlyMap<string, ResolvedSegment>,
  options: { path?: string; self?: { id: string; filter: Filter } } = {},
): Filter {
  const map = new Map(segments);
  if (options.self) map.set(options.self.id, { kind: 'dynamic', filter: options.self.filter });
  // resolveSegments works on queries; a one-field wrapper keeps the paths readable.
  const key = options.path ?? 'filter';
  if (options.self) {
    const wrapped = resolveSegments(
      { [key]: { segment: options.self.id } } as never,
      map,
    ) as Record<string, Filter>;
    return wrapped[key] as Filter;
  }
  const wrapped = resolveSegments({ [key]: filter } as never, map) as Record<string, Filter>;
  const out = wrapped[key];
  if (!out) throw new QueryPlanError(key, 'empty filter');
  return out;
}

import type { ResolvedSegment } from '@opsloop/engine';
import { loadSegmentsFor } from '@opsloop/engine/segments/resolve';
import type { AppContext } from '../app-context.js';

/** Static members are loaded in pages of this size. */
const PAGE = 10_000;

/**
 * Loads the segments a filter or query names (transitively) for the planner's
 * segment hook: a dynamic segment's filter, a static segment's members.
 * Segments of other projects are treated as unknown.
 */
export function loadSegments(
  ctx: AppContext,
  projectId: string,
  value: unknown,
): Promise<Map<string, ResolvedSegment>> {
  return loadSegmentsFor(value, async (ids) => {
    const out = new Map<string, ResolvedSegment>();
    for (const id of ids) {
      const s = await ctx.meta.segments.byId(id);
      if (!s || s.projectId !== projectId) continue;
      if (s.kind === 'dynamic' && s.filter) out.set(id, { kind: 'dynamic', filter: s.filter });
      else out.set(id, { kind: 'static', personIds: await allMembers(ctx, id) });
    }
    return out;
  });
}

export async function allMembers(ctx: AppContext, segmentId: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ctx.meta.segments.members(segmentId, {
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page.at(-1);
  }
}

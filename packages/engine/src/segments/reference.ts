import type { Filter } from '@opsloop/schema';
import type { RefData } from '../reference/model.js';
import { referencePersons } from '../reference/persons.js';

/**
 * The plain reference of a dynamic segment's members: every person the
 * reference persons query lets through `filter` as of `asOf`, sorted.
 */
export function referenceSegmentMembers(data: RefData, filter: Filter, asOf: number): string[] {
  const r = referencePersons(
    data,
    {
      kind: 'persons',
      where: filter,
      asOf: new Date(asOf).toISOString(),
      limit: Number.MAX_SAFE_INTEGER,
      offset: 0,
      orderBy: 'lastSeen',
    } as never,
    { timezone: 'UTC', now: asOf },
  );
  return r.persons.map((p) => p.id).sort();
}

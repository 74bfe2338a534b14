import type { IdentityMirror } from '@opsloop/store/events/event-store';
import type { CommittedChanges } from '@opsloop/store/identity/identity-store';
import { materialize } from '@opsloop/store/identity/property-state';

/** What queries need of a committed identity change set: plain property values. */
export function toMirror(c: CommittedChanges): IdentityMirror {
  return {
    seq: c.seq,
    merges: c.merges,
    distinctIds: c.distinctIds,
    persons: c.persons.map((p) => ({
      projectId: p.projectId,
      id: p.id,
      properties: materialize(p.properties),
      isIdentified: p.isIdentified,
      createdAt: p.createdAt,
      version: p.version,
    })),
    groups: c.groups.map((g) => ({
      projectId: g.projectId,
      groupType: g.groupType,
      groupKey: g.groupKey,
      properties: materialize(g.properties),
      createdAt: g.createdAt,
      version: g.version,
    })),
  };
}

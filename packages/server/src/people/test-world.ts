import type { AppContext } from '../app-context.js';

/** Small fixed worlds written straight into a test server's event store (no pipeline). */
export interface WorldPerson {
  readonly id: string;
  readonly distinctIds: readonly string[];
  readonly properties: Record<string, string | number | boolean>;
}
export interface WorldEvent {
  readonly person: number;
  readonly event: string;
  /** Epoch ms. */
  readonly at: number;
  readonly properties?: Record<string, string | number | boolean>;
  readonly set?: Record<string, string | number | boolean>;
  readonly groups?: Record<string, string>;
}

export const personUuid = (i: number): string =>
  `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
const eventUuid = (i: number): string =>
  `20000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;

let seq = 1_000_000;

/** Writes persons, their distinct ids and events in one store write. */
export async function writeWorld(
  ctx: AppContext,
  projectId: string,
  world: { persons: readonly WorldPerson[]; events: readonly WorldEvent[] },
): Promise<void> {
  await ctx.events.write({
    events: world.events.map((e, i) => {
      const p = world.persons[e.person];
      if (!p) throw new Error(`no person ${e.person}`);
      return {
        uuid: eventUuid(i),
        projectId,
        event: e.event,
        distinctId: p.distinctIds[0] ?? 'x',
        timestamp: e.at,
        receivedAt: e.at,
        properties: e.properties ?? {},
        personOps: e.set ? { set: e.set } : null,
        identity: null,
        groups: e.groups ?? {},
        groupIdentify: null,
        sessionId: null,
        url: null,
        referrer: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmContent: null,
        utmTerm: null,
        browser: null,
        os: null,
        deviceType: null,
        personId: p.id,
      };
    }),
    identity: [
      {
        seq: ++seq,
        merges: [],
        distinctIds: world.persons.flatMap((p) =>
          p.distinctIds.map((d) => ({ projectId, distinctId: d, personId: p.id })),
        ),
        persons: world.persons.map((p, i) => ({
          projectId,
          id: p.id,
          properties: p.properties,
          isIdentified: true,
          createdAt: 1_700_000_000_000 + i * 1000,
          version: 1,
        })),
        groups: [],
      },
    ],
  });
}

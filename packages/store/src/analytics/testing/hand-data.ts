import type { RefData } from '@opsloop/engine/reference/index';

/** Person `i`'s id in hand-made worlds. */
export const handPerson = (i: number): string =>
  `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** An event of a hand-made world: who (by number), what and when (epoch ms). */
export interface HandEvent {
  readonly person: number;
  readonly event: string;
  readonly ts: number;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * A world of project `p1` from numbered persons: person `n` sends as distinct
 * id `d<n>`, events get uuids by position, and `merges` are `[old, current]`
 * pairs of person numbers (recorded as overrides, after the events).
 */
export function handData(
  events: readonly HandEvent[],
  merges: readonly (readonly [number, number])[] = [],
): RefData {
  return {
    projectId: 'p1',
    events: events.map((e, i) => ({
      uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event: e.event,
      distinctId: `d${e.person}`,
      personId: handPerson(e.person),
      timestamp: e.ts,
      ...(e.properties ? { properties: e.properties } : {}),
    })),
    overrides: merges.map(([old, current]) => ({
      oldPersonId: handPerson(old),
      personId: handPerson(current),
    })),
  };
}

/** The reference's in-memory world: what the event tables hold, as plain objects. */
export interface RefEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  /** The person resolved at ingest; merges later are in `overrides`. */
  readonly personId: string;
  readonly timestamp: number;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly url?: string | null;
  readonly browser?: string | null;
}
export interface RefPerson {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly version?: number;
}
export interface RefData {
  readonly projectId: string;
  readonly events: readonly RefEvent[];
  readonly persons?: readonly RefPerson[];
  readonly overrides?: readonly { readonly oldPersonId: string; readonly personId: string }[];
  /** Rows of `person_distinct_ids` (distinct id → person), besides those seen on events. */
  readonly distinctIds?: readonly { readonly distinctId: string; readonly personId: string }[];
}
export interface RefContext {
  readonly timezone: string;
  readonly now: number;
}

/** The current person of an event: overridden person if merged, else the ingest one. */
export function personOf(data: RefData, e: RefEvent): string {
  return data.overrides?.find((o) => o.oldPersonId === e.personId)?.personId ?? e.personId;
}

/** Newest version of a person's properties. */
export function personProperties(
  data: RefData,
  id: string,
): Readonly<Record<string, unknown>> | undefined {
  let best: RefPerson | undefined;
  for (const p of data.persons ?? [])
    if (p.id === id && (!best || (p.version ?? 1) > (best.version ?? 1))) best = p;
  return best?.properties;
}

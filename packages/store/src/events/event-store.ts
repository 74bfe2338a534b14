import type { CompiledQuery } from '@opsloop/engine';
import type { CanonicalEvent, JsonObject } from '@opsloop/schema';

/** The SQL dialect an event store speaks; the analytics compiler picks its overrides by it. */
export type EventStoreDialect = 'duckdb' | 'clickhouse';

/** A canonical event with the person id resolved at ingest. */
export interface StoredEvent extends CanonicalEvent {
  readonly personId: string;
}

/** A person as queries see it: properties are plain values (their timestamps stay in the identity store). */
export interface PersonRow {
  readonly projectId: string;
  readonly id: string;
  readonly properties: JsonObject;
  readonly isIdentified: boolean;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly version: number;
}

export interface GroupRow {
  readonly projectId: string;
  readonly groupType: string;
  readonly groupKey: string;
  readonly properties: JsonObject;
  readonly createdAt: number;
  readonly version: number;
}

/** `oldPersonId` was merged into `personId`. */
export interface PersonMerge {
  readonly projectId: string;
  readonly oldPersonId: string;
  readonly personId: string;
}

export interface DistinctIdRow {
  readonly projectId: string;
  readonly distinctId: string;
  readonly personId: string;
}

/**
 * One committed set of identity changes, mirrored into the event store for
 * queries. `seq` grows by one per set; the store remembers the highest applied
 * so a replay after a crash applies each set once.
 */
export interface IdentityMirror {
  readonly seq: number;
  /** In the order they happened; a merged person may be merged again later. */
  readonly merges: readonly PersonMerge[];
  readonly distinctIds: readonly DistinctIdRow[];
  /** Latest snapshots; persons merged away are deleted instead. */
  readonly persons: readonly PersonRow[];
  readonly groups: readonly GroupRow[];
}

export interface EventKey {
  readonly projectId: string;
  readonly uuid: string;
  readonly timestamp: number;
}

/** Events encoded by `encodeEventRows` (`spool/event-rows.ts`); batches join with its row separator. */
export interface EncodedEvents {
  readonly rows: string;
  readonly count: number;
}

/** The sizes of a store's person-ordered part and of the part appended since (`EventStore.unsortedEvents`). */
export interface EventParts {
  /** Events in the person-ordered part. */
  readonly sorted: number;
  /** Events appended since it was written. */
  readonly recent: number;
  /** Persons it numbers (1 to this). */
  readonly persons: number;
}

export interface TimeRange {
  /** Inclusive, ms since the epoch. */
  readonly from?: number;
  /** Exclusive, ms since the epoch. */
  readonly to?: number;
}

/**
 * Where events, persons and identity overrides live for querying. The embedded
 * store is DuckDB; the scale-out one is ClickHouse. Both pass one contract suite
 * (`runEventStoreContract`). Rows from `execute` come back as plain objects with
 * JSON-safe values: integers as numbers (bigint when they do not fit a double),
 * timestamps as ISO strings, UUIDs as strings.
 *
 * Writes come from one process (the ingestion pipeline); reads from anywhere.
 */
export interface EventStore {
  readonly dialect: EventStoreDialect;
  /** Runs a compiled analytics query. */
  execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]>;
  /**
   * The keys (`projectId uuid`, space-separated) among `keys` that are already
   * stored. A retried event may carry a slightly different timestamp (clock-skew
   * correction), so the search window is widened by a day either side.
   * Answers in bulk: tens of thousands of keys cost one query. Sees committed
   * events only, and may run while a write is in progress.
   */
  findStored(keys: readonly EventKey[]): Promise<Set<string>>;
  /**
   * In one transaction: appends the events (the caller has removed duplicates
   * with `findStored`) and applies the identity mirrors not applied yet.
   */
  write(batch: {
    readonly events: readonly StoredEvent[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void>;
  /**
   * `write` for events still in the spool's text form (the ingestion fast
   * path): `personIds` has one entry per row, in order, and '' skips a row
   * (a duplicate). Rejects, writing nothing, if the rows do not match.
   */
  writeEncoded(batch: {
    readonly events: EncodedEvents;
    readonly personIds: readonly string[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void>;
  /** The highest identity mirror `seq` applied (0 when none). */
  identityWatermark(): Promise<number>;
  /** Events of one project in time order, as stored. */
  exportEvents(projectId: string, range?: TimeRange): AsyncIterable<StoredEvent>;
  countEvents(projectId: string, range?: TimeRange): Promise<number>;
  /**
   * Deletes every event of a person, including events stored under persons
   * later merged into it. Returns how many were deleted.
   */
  deletePersonEvents(projectId: string, personId: string): Promise<number>;
  /**
   * Forgets a person: their events (as `deletePersonEvents`), their profile
   * rows, their distinct ids and the overrides that pointed to them, in one
   * transaction. Returns what was removed.
   */
  deletePerson(
    projectId: string,
    personId: string,
  ): Promise<{ events: number; distinctIds: readonly string[] }>;
  /** Deletes the project's events older than `beforeMs` (retention). Returns how many. */
  deleteEventsBefore(projectId: string, beforeMs: number): Promise<number>;
  /**
   * Stores that keep a person-ordered part of their events (the embedded
   * store): how many events it holds and how many arrived since. Absent where
   * the engine orders its own parts (ClickHouse merges them by its sort key).
   */
  unsortedEvents?(): Promise<EventParts>;
  /** Rewrites every event into the person-ordered part (see `unsortedEvents`). */
  compactEvents?(): Promise<{ readonly events: number; readonly ms: number }>;
  close(): Promise<void>;
}

/** `projectId uuid`: the key `findStored` answers with. */
export const eventKey = (projectId: string, uuid: string): string => `${projectId} ${uuid}`;

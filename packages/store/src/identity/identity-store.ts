import type { PersonMerge } from '../events/event-store.js';
import type { PropertyState } from './property-state.js';

export interface PersonState {
  readonly projectId: string;
  readonly id: string;
  isIdentified: boolean;
  /** Ms since the epoch: the earliest event seen for the person. */
  createdAt: number;
  version: number;
  properties: PropertyState;
}

export interface GroupState {
  readonly projectId: string;
  readonly groupType: string;
  readonly groupKey: string;
  createdAt: number;
  version: number;
  properties: PropertyState;
}

/** What one flush changed, applied atomically, in this order: merges, distinct ids, persons, groups. */
export interface IdentityChanges {
  /** In the order they happened. The merged-away person is deleted; its ids and overrides re-pointed. */
  readonly merges: readonly PersonMerge[];
  readonly distinctIds: ReadonlyArray<{
    readonly projectId: string;
    readonly distinctId: string;
    readonly personId: string;
  }>;
  readonly persons: readonly PersonState[];
  readonly groups: readonly GroupState[];
}

/** What {@link IdentityStore.forgetPersons} removed. */
export interface ForgottenPersons {
  /** Person rows deleted (persons merged away earlier have none left). */
  readonly persons: number;
  /** The distinct ids that pointed at the persons, sorted. */
  readonly distinctIds: readonly string[];
  /** Person ids merged into the forgotten ones, whose overrides were dropped. */
  readonly mergedPersons: readonly string[];
}

/** A committed change set and its sequence number (the outbox the event store mirrors). */
export interface CommittedChanges extends IdentityChanges {
  readonly seq: number;
}

/**
 * The authoritative identity state: distinct id → person, persons with
 * per-property timestamps, flat overrides, groups. Batch-oriented and async so
 * PostgreSQL can implement it for clusters; SQLite does for one machine.
 * One writer (the ingestion pipeline) at a time.
 */
export interface IdentityStore {
  /** Current person of each known distinct id (unknown ones are absent). */
  lookupDistinctIds(
    projectId: string,
    distinctIds: readonly string[],
  ): Promise<Map<string, string>>;
  loadPersons(projectId: string, personIds: readonly string[]): Promise<Map<string, PersonState>>;
  /** Keyed by `type\u0000key`. */
  loadGroups(
    projectId: string,
    keys: ReadonlyArray<{ groupType: string; groupKey: string }>,
  ): Promise<Map<string, GroupState>>;
  /** Applies the changes atomically, keeps them in an outbox and returns their sequence number. */
  commit(changes: IdentityChanges): Promise<number>;
  /** Outbox entries with a sequence number above `seq`, in order. */
  changesAfter(seq: number): Promise<CommittedChanges[]>;
  /** Drops outbox entries up to `seq` once mirrored. */
  pruneThrough(seq: number): Promise<void>;
  /**
   * Forgets persons for good (a deletion request): their rows, every distinct
   * id pointing at them and the overrides of persons merged into them, so the
   * next event from one of those ids starts a new person. Applied in one
   * transaction, outside the outbox: the event store is told separately.
   */
  forgetPersons(projectId: string, personIds: readonly string[]): Promise<ForgottenPersons>;
  close(): Promise<void>;
}

export const groupKey = (groupType: string, key: string): string => `${groupType}\u0000${key}`;

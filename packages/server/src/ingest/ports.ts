import type { CanonicalEvent } from '@opsloop/schema';

/** What the capture edge needs to know about the project a write key belongs to. */
export interface IngestProject {
  readonly id: string;
  /** When true (the default for new projects), events from known bots are dropped and counted. */
  readonly botFiltering: boolean;
}

/**
 * Finds the project of a public write key (the PostHog `api_key`/`token`, the
 * Segment `writeKey`). Returns null for unknown keys. Called once per distinct
 * key per request, so implementations should answer from memory.
 */
export interface IngestProjectResolver {
  resolve(writeKey: string): Promise<IngestProject | null>;
}

/** Why the edge dropped an event without an error to the client. */
export type DropReason = 'bot';

/**
 * Where normalised events go (the durable spool). The edge answers the client
 * only after `accept` resolves, so resolution means "durable": a crash after it
 * loses nothing. A rejection makes the edge answer 503 so the client retries.
 */
export interface EventSink {
  accept(events: readonly CanonicalEvent[]): Promise<void>;
  /** Counts events dropped on purpose (never silently): the spool keeps the tally per project. */
  recordDropped(projectId: string, reason: DropReason, count: number): void;
}

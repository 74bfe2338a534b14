import type { MetaStore } from '@opsloop/store';
import type { EventStore } from '@opsloop/store/events/event-store';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { EventSink, IngestProjectResolver } from './ingest/ports.js';
import type { BulkAccess } from './pipeline/bulk-exclusive.js';
import type { FlushStats } from './pipeline/flusher.js';

/** A named check that `/ready` runs; it throws or returns false when not ready. */
export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => Promise<boolean> | boolean;
}

/**
 * Everything a request handler may use, built once at start and passed down.
 * Capabilities add their stores and services here; nothing reaches for globals.
 */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  /** Milliseconds since the epoch; replaced in tests that need a fixed clock. */
  readonly now: () => number;
  readonly readiness: ReadinessCheck[];
  /** Accounts, organisations, projects and keys. */
  readonly meta: MetaStore;
  /** Events, persons and identity overrides, for queries (DuckDB, or ClickHouse later). */
  readonly events: EventStore;
  /** How far behind the flush from the spool into the event store is. */
  readonly ingestion: { stats(): FlushStats };
  /** The capture edge's ports (write keys, durable spool); without them the capture routes are not mounted. */
  readonly ingest?: { readonly resolver: IngestProjectResolver; readonly sink: EventSink };
  /** The trusted bulk write path into the pipeline's stores (the demo seed), flusher paused. */
  readonly bulk?: BulkAccess;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { EVENTS_DDL } from '../events/duckdb/ddl.js';
import { migrate } from '../meta/sqlite/migrate.js';
import { MigrateError } from './errors.js';

/** The embedded stores of one data directory, opened for reading. */
export interface EmbeddedSource {
  readonly meta: Database.Database;
  /** Absent when the directory never ingested an event. */
  readonly identity: Database.Database | null;
  readonly events: DuckDBConnection;
  close(): Promise<void>;
}

const SERVER_RUNNING =
  'is open in another process: stop the server on this data directory before migrating';

/**
 * Opens `<dataDir>`'s metadata, identity and event stores. The metadata file
 * is brought up to this version's schema first (what starting the server
 * would do), so the copy plan matches it. The event store opens read-only:
 * DuckDB refuses while a server holds the file, which is how a running server
 * is detected. The spool must be empty: its events are not identity-resolved
 * yet, and only the ingestion pipeline can flush them (the CLI does before
 * calling this).
 */
export async function openEmbeddedSource(dataDir: string): Promise<EmbeddedSource> {
  const metaFile = join(dataDir, 'meta.sqlite');
  if (!existsSync(metaFile)) {
    throw new MigrateError(`${dataDir} holds no Opsloop data (no meta.sqlite)`);
  }
  const spoolFile = join(dataDir, 'spool.sqlite');
  if (existsSync(spoolFile)) {
    const spool = new Database(spoolFile, { readonly: true, fileMustExist: true });
    try {
      const row = spool
        .prepare(
          'SELECT count(*) AS batches, coalesce(sum(event_count), 0) AS events FROM spooled_batches',
        )
        .get() as { batches: number; events: number };
      if (row.batches > 0) {
        throw new MigrateError(
          `the spool of ${dataDir} holds ${row.events} events not yet flushed: flush them into the embedded stores first (opsloop migrate-store does; or start and stop the server)`,
        );
      }
    } finally {
      spool.close();
    }
  }
  const eventsFile = join(dataDir, 'events.duckdb');
  const exists = existsSync(eventsFile);
  let instance: DuckDBInstance;
  if (exists) {
    try {
      instance = await DuckDBInstance.create(eventsFile, { access_mode: 'READ_ONLY' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/lock/i.test(message)) throw new MigrateError(`${eventsFile} ${SERVER_RUNNING}`);
      throw err;
    }
  } else {
    // Never ingested: an empty store of the same shape keeps the copy code uniform.
    instance = await DuckDBInstance.create(':memory:');
  }
  const duck = instance;
  const opened: Array<{ close(): void }> = [];
  try {
    const events = await duck.connect();
    opened.push({ close: () => events.closeSync() });
    await events.run("SET TimeZone = 'UTC'");
    if (!exists) for (const ddl of EVENTS_DDL) await events.run(ddl);
    const meta = new Database(metaFile);
    opened.push(meta);
    meta.pragma('busy_timeout = 5000');
    migrate(meta, Date.now());
    const identityFile = join(dataDir, 'identity.sqlite');
    const identity = existsSync(identityFile)
      ? new Database(identityFile, { readonly: true, fileMustExist: true })
      : null;
    if (identity) opened.push(identity);
    return {
      meta,
      identity,
      events,
      close: async () => {
        for (const o of opened.reverse()) o.close();
        duck.closeSync();
      },
    };
  } catch (err) {
    for (const o of opened.reverse()) o.close();
    duck.closeSync();
    throw err;
  }
}

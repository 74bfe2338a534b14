import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresMetaStore, openSqliteMetaStore } from '@opsloop/store';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context.js';
import { type Config, ConfigError } from '../config/config.js';
import { openPipeline } from '../pipeline/open-pipeline.js';
import { startPeopleJobs } from '../segments/job.js';

export interface OpenedContext {
  readonly ctx: AppContext;
  /** Flushes in-flight work and closes every store, in reverse order of opening. */
  readonly close: () => Promise<void>;
}

/**
 * Opens the stores named by the config and wires the services over them.
 * Each capability that owns a store or a background job opens it here and
 * pushes its closer, so shutdown is the mirror of start-up.
 */
export async function openContext(
  config: Config,
  log: Logger,
  options: { now?: () => number } = {},
): Promise<OpenedContext> {
  mkdirSync(config.dataDir, { recursive: true });
  const closers: Array<() => Promise<void> | void> = [];
  const now = options.now ?? Date.now;
  const meta = await openMetaStore(config, now);
  closers.push(() => meta.close());
  // Replays what a crash left in the spool; closing flushes the spool into the event store.
  const pipeline = await openPipeline({ dataDir: config.dataDir, log, now, background: true });
  closers.push(() => pipeline.close());
  const ctx: AppContext = {
    config,
    log,
    now,
    readiness: [
      { name: 'meta', check: () => meta.ping() },
      {
        name: 'events',
        check: async () =>
          (await pipeline.events.execute({ sql: 'SELECT 1 AS ok', parameters: [] })).length === 1,
      },
    ],
    meta,
    events: pipeline.events,
    ingestion: { stats: () => pipeline.stats() },
    ingest: {
      resolver: {
        resolve: async (writeKey) => {
          const project = await meta.projects.byWriteKey(writeKey);
          return project ? { id: project.id, botFiltering: project.settings.botFiltering } : null;
        },
      },
      sink: pipeline.sink,
    },
  };
  // Recomputes dynamic segments and applies event retention in the background.
  const peopleJobs = startPeopleJobs(ctx);
  closers.push(() => peopleJobs.stop());
  return {
    ctx,
    close: async () => {
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          log.error({ err }, 'error while closing');
        }
      }
    },
  };
}

/**
 * The metadata store the config names: embedded SQLite unless a database URL
 * is set, then the PostgreSQL database every API node shares.
 */
async function openMetaStore(config: Config, now: () => number) {
  if (config.databaseUrl) {
    try {
      return await openPostgresMetaStore({ url: config.databaseUrl, now });
    } catch (err) {
      throw new ConfigError(
        `OPSLOOP_DATABASE_URL: cannot open the PostgreSQL metadata store (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
  }
  return openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite'), now });
}

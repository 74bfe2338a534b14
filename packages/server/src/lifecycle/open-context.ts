import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteMetaStore } from '@opsloop/store';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context.js';
import { type Config, ConfigError } from '../config/config.js';

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
  const ctx: AppContext = {
    config,
    log,
    now,
    readiness: [{ name: 'meta', check: () => meta.ping() }],
    meta,
  };
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

/** The metadata store the config names: embedded SQLite unless a database URL is set. */
async function openMetaStore(config: Config, now: () => number) {
  if (config.databaseUrl) {
    throw new ConfigError(
      'OPSLOOP_DATABASE_URL is set, but the PostgreSQL metadata store is not available yet.',
    );
  }
  return openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite'), now });
}

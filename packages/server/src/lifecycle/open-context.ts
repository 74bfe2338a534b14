import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context.js';
import type { Config } from '../config/config.js';

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
  const ctx: AppContext = {
    config,
    log,
    now: options.now ?? Date.now,
    readiness: [],
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

import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from '../app.js';
import type { AppContext } from '../app-context.js';
import type { Config } from '../config/config.js';
import { openContext } from './open-context.js';

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** Stops accepting, waits for requests in flight, flushes and closes the stores. */
  readonly close: () => Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'opsloop' } });
}

export async function startServer(
  config: Config,
  options: { log?: Logger; now?: () => number } = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config);
  const opened = await openContext(config, log, options.now ? { now: options.now } : {});
  let app: FastifyInstance;
  try {
    app = await buildApp(opened.ctx);
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await opened.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    app,
    ctx: opened.ctx,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await opened.close();
      })();
      return closing;
    },
  };
}

/**
 * SIGTERM/SIGINT close the server gracefully; a second signal exits at once.
 * Returns a function that removes the handlers (for tests).
 */
export function handleShutdownSignals(server: RunningServer, log: Logger): () => void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, 'shutting down: finishing requests and flushing');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

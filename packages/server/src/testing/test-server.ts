import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Config, loadConfig } from '../config/config.js';
import { type RunningServer, startServer } from '../lifecycle/start-server.js';

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  /** Closes the server and deletes its data directory. */
  readonly dispose: () => Promise<void>;
}

/** A real server on a loopback port over a fresh data directory. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; keepData?: boolean } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'opsloop-test-'));
  const config: Config = loadConfig(
    { PORT: '0', HOST: '127.0.0.1', OPSLOOP_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    { cwd: process.cwd() },
  );
  const server = await startServer(config, { log: pino({ level: env['LOG_LEVEL'] ?? 'silent' }) });
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

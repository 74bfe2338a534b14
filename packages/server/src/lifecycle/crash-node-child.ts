// An API node for crash tests: starts on the data directory given as argv[2]
// with the extra settings (JSON) in argv[3], prints its URL, and runs until
// killed. Not a test file.
import pino from 'pino';
import { loadConfig } from '../config/config.js';
import { startServer } from './start-server.js';

const dataDir = process.argv[2] ?? '';
const extra: Record<string, string> = JSON.parse(process.argv[3] ?? '{}');
const config = loadConfig(
  { PORT: '0', HOST: '127.0.0.1', OPSLOOP_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...extra },
  { cwd: process.cwd() },
);
// Silent unless the extra settings ask for a LOG_LEVEL (to stderr, which the parent inherits).
const server = await startServer(config, {
  log: pino({ level: config.logLevel }, pino.destination(2)),
});
process.stdout.write(`${server.url}\n`);

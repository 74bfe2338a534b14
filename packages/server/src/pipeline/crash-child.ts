// A server for the crash test: starts on the data directory given as argv[2],
// prints its URL, and runs until killed. Not a test file.
import pino from 'pino';
import { loadConfig } from '../config/config.js';
import { startServer } from '../lifecycle/start-server.js';

const dataDir = process.argv[2] ?? '';
const config = loadConfig(
  { PORT: '0', HOST: '127.0.0.1', OPSLOOP_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  { cwd: process.cwd() },
);
const server = await startServer(config, { log: pino({ level: 'silent' }) });
process.stdout.write(`${server.url}\n`);

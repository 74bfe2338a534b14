// The Opsloop server the HTTP ingestion benchmark drives, as a child process:
// embedded stores in the data directory given as argv[2]. Prints its URL, then
// answers the parent over IPC: `stats` (memory and flush), `count`, `probe`
// (when an event becomes queryable) and `stop` (graceful: flushes, then exits).
// Not a test file; started by bench/ingest/http.mjs.
import { loadConfig } from '@opsloop/server/config/config';
import { startServer } from '@opsloop/server/lifecycle/start-server';
import pino from 'pino';

const dataDir = process.argv[2] ?? '';
const config = loadConfig(
  { PORT: '0', HOST: '127.0.0.1', OPSLOOP_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  { cwd: process.cwd() },
);
const server = await startServer(config, { log: pino({ level: 'silent' }) });
const { ctx } = server;

const handlers = {
  stats: () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, flush: ctx.ingestion.stats() };
  },
  count: async ({ projectId }) => ({ n: await ctx.events.countEvents(projectId) }),
  // Polls until the event is stored; the received_at bound lets DuckDB skip old row groups.
  probe: async ({ projectId, uuid, since }) => {
    for (;;) {
      const [row] = await ctx.events.execute({
        sql: `SELECT count(*) AS n FROM events WHERE project_id = $1 AND received_at >= $2 AND uuid = $3::UUID`,
        parameters: [projectId, new Date(since - 60_000), uuid],
      });
      if (Number(row?.n ?? 0) > 0) return { at: Date.now() };
      await new Promise((r) => setTimeout(r, 5));
    }
  },
  stop: async () => {
    await server.close();
    return {};
  },
};

process.on('message', async (msg) => {
  const reply = await handlers[msg.type](msg);
  process.send?.({ id: msg.id, ...reply });
  if (msg.type === 'stop') process.exit(0);
});
process.stdout.write(`${server.url}\n`);

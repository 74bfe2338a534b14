// The Opsloop server the HTTP ingestion benchmark drives, as a child process:
// embedded stores in the data directory given as argv[2]. Prints its URL, then
// answers the parent over IPC: `stats` (memory, CPU time and flush), `count`, `probe`
// (when an event becomes queryable) and `stop` (graceful: flushes, then exits).
// Not a test file; started by bench/ingest/http.mjs.
import { readdirSync, readFileSync } from 'node:fs';
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

/** CPU time (µs) per thread name (from /proc/self/task): which thread is the bottleneck. */
function threadCpu() {
  const out = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second).
      const us = (Number(f[11]) + Number(f[12])) * 10_000;
      // Unnamed threads (DuckDB's, worker threads) keep the process name: tell them apart by id.
      const key = tid === String(process.pid) ? 'main' : name === 'node' ? `thread ${tid}` : name;
      out[key] = (out[key] ?? 0) + us;
    } catch {
      // the thread ended while being read
    }
  }
  return out;
}

const handlers = {
  stats: () => {
    const m = process.memoryUsage();
    // cpu: the whole process (every thread: HTTP, spool writer, DuckDB), in µs.
    const c = process.cpuUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      cpu: c.user + c.system,
      threads: threadCpu(),
      flush: ctx.ingestion.stats(),
    };
  },
  count: async ({ projectId }) => ({ n: await ctx.events.countEvents(projectId) }),
  // When an event acknowledged at `ackedAt` is queryable: every spooled batch is
  // accepted before its ack, and deleted only after its DuckDB commit, so once no
  // batch accepted at or before `ackedAt` remains, the event is stored. Polling
  // the spool is cheap; one query then confirms (and would catch a wrong guess).
  probe: async ({ projectId, uuid, ackedAt }) => {
    for (;;) {
      const oldest = ctx.ingestion.stats().oldestSpooledAt;
      if (oldest === null || oldest > ackedAt) {
        const at = Date.now();
        const [row] = await ctx.events.execute({
          sql: 'SELECT count(*) AS n FROM events WHERE project_id = $1 AND uuid = $2::UUID',
          parameters: [projectId, uuid],
        });
        if (Number(row?.n ?? 0) > 0) return { at };
      }
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

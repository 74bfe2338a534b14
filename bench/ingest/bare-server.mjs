// The baseline for bench/ingest/http.mjs: a bare Fastify endpoint that only
// parses the same JSON bodies and answers like a capture route. Prints its URL.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
// Looks at the parsed body, as a capture route would before doing anything with it.
const handler = async (request) => {
  const body = request.body;
  return { status: Array.isArray(body?.batch) || typeof body?.event === 'string' ? 1 : 0 };
};
app.post('/e/', handler);
app.post('/batch/', handler);
await app.listen({ host: '127.0.0.1', port: 0 });
// `stats` over IPC: the process's CPU time (µs), as the Opsloop child answers it.
process.on('message', (msg) => {
  const c = process.cpuUsage();
  process.send?.({ id: msg.id, cpu: c.user + c.system });
});
process.stdout.write(`http://127.0.0.1:${app.server.address().port}\n`);

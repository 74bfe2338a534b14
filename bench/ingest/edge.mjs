// Throughput of the capture edge alone: decode + normalise + bot check, into a
// sink that does nothing. 100-event PostHog /batch requests, like posthog-node.
// Not run by tests. Build first (`npx tsc -b tsconfig.build.json`), then:
//   node bench/ingest/edge.mjs [seconds] [connections]
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { installErrorFunnel } from '../../packages/server/dist/http/error-funnel.js';
import { registerCaptureRoutes } from '../../packages/server/dist/ingest/capture-routes.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 16);
const EVENTS_PER_REQUEST = 100;

const app = Fastify({ logger: false });
installErrorFunnel(app);
let accepted = 0;
registerCaptureRoutes(app, {
  resolver: {
    resolve: async (key) => (key === 'phc_bench' ? { id: 'p1', botFiltering: true } : null),
  },
  sink: {
    accept: async (events) => {
      accepted += events.length;
    },
    recordDropped: () => {},
  },
  now: Date.now,
  log: app.log,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address();

const ua =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const now = Date.now();
const batch = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
  event: i % 5 === 0 ? '$pageview' : 'clicked',
  distinct_id: `user-${i % 37}`,
  uuid: crypto.randomUUID(),
  timestamp: new Date(now - i * 1000).toISOString(),
  properties: {
    $current_url: `https://shop.example/p/${i}?utm_source=news`,
    $session_id: 'sess-1',
    $raw_user_agent: ua,
    $lib: 'posthog-node',
    plan: 'pro',
    amount: i,
  },
}));
const body = JSON.stringify({ api_key: 'phc_bench', batch, sent_at: new Date(now).toISOString() });

const result = await autocannon({
  url: `http://127.0.0.1:${port}/batch/`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections,
  duration: seconds,
});
await app.close();
const eventsPerSecond = (result.requests.average * EVENTS_PER_REQUEST).toFixed(0);
console.log(
  `edge: ${result.requests.average.toFixed(0)} req/s × ${EVENTS_PER_REQUEST} = ${eventsPerSecond} events/s ` +
    `(body ${body.length} B, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, accepted ${accepted})`,
);

// CPU per event of the capture edge's main-thread work, without HTTP: decode
// the body, unpack, normalise, bot-check (`ingestBatch`), then encode the spool
// rows and heads to UTF-8 (what `Spool.enqueue` does before moving them to its
// writer thread). Single-threaded and in-process, so it is far steadier on a shared
// machine than the HTTP benchmark: use it to compare changes to the edge.
// Not run by tests. Build first, then:
//   node bench/ingest/accept-cpu.mjs [--requests 3000] [--rounds 5]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { decodeCaptureBody } from '@opsloop/server/ingest/decode/capture-body';
import { postHogEventToken, unpackPostHogBody } from '@opsloop/server/ingest/decode/envelopes';
import { ingestBatch } from '@opsloop/server/ingest/ingest-batch';
import { normalizePostHogEvent } from '@opsloop/server/ingest/normalize/posthog';
import { encodeEventRows, encodeHeads } from '@opsloop/store/spool/event-rows';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '5' },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const PER_REQUEST = 100;
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** The two shapes: `http.mjs`'s bodies, and a posthog-node-like one with times and agents. */
const shapes = {
  'http.mjs': (i) => ({
    event: i % 5 === 0 ? '$pageview' : 'clicked',
    distinct_id: `user-${i % 37}`,
    uuid: randomUUID(),
    properties: {
      $current_url: `https://shop.example/p/${i}?utm_source=news`,
      $session_id: `sess-${i % 7}`,
      plan: i % 3 ? 'free' : 'pro',
      amount: i,
    },
  }),
  'posthog-node': (i) => ({
    event: i % 5 === 0 ? '$pageview' : 'clicked',
    distinct_id: `user-${i % 37}`,
    uuid: randomUUID(),
    timestamp: new Date(Date.now() - i * 1000).toISOString(),
    properties: {
      $current_url: `https://shop.example/p/${i}`,
      $session_id: 'sess-1',
      $raw_user_agent: UA,
      $lib: 'posthog-node',
      $lib_version: '5.7.0',
      plan: 'pro',
      amount: i,
    },
    ...(i % 50 === 0 ? { $set: { plan: 'pro' } } : {}),
  }),
};

const resolver = { resolve: async () => ({ id: 'project-1', botFiltering: true }) };
let sink = 0;
const utf8 = new TextEncoder();
const encodingSink = {
  accept: async (events) => {
    sink += utf8.encode(encodeEventRows(events)).length + utf8.encode(encodeHeads(events)).length;
  },
  recordDropped: () => {},
};

async function accept(body) {
  const decoded = decodeCaptureBody(
    {
      body,
      contentType: 'application/json',
      contentEncoding: undefined,
      compression: undefined,
      data: undefined,
    },
    { maxBytes: 20 * 1024 * 1024 },
  );
  const { envelope } = unpackPostHogBody(decoded.value);
  await ingestBatch({
    items: envelope.items,
    tokenOf: (raw) => postHogEventToken(raw) ?? envelope.token,
    normalize: normalizePostHogEvent,
    resolver,
    sink: encodingSink,
    receivedAt: Date.now(),
    sentAt: envelope.sentAt,
    requestUserAgent: 'posthog-node/5.7.0',
    fromBrowser: false,
    requestToken: envelope.token,
    jsonLength: decoded.jsonLength,
  });
}

for (const [name, eventOf] of Object.entries(shapes)) {
  const bodies = Array.from({ length: REQUESTS }, () =>
    Buffer.from(
      JSON.stringify({
        api_key: 'phc_bench',
        batch: Array.from({ length: PER_REQUEST }, (_, i) => eventOf(i)),
      }),
    ),
  );
  const perEvent = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = process.cpuUsage();
    for (const body of bodies) await accept(body);
    const used = process.cpuUsage(cpu);
    perEvent.push((used.user + used.system) / (REQUESTS * PER_REQUEST));
  }
  perEvent.sort((a, b) => a - b);
  console.log(
    `${name}: ${perEvent[0].toFixed(2)} µs CPU per event best, ${perEvent[Math.floor(ROUNDS / 2)].toFixed(2)} median ` +
      `(${ROUNDS} rounds of ${REQUESTS} requests × ${PER_REQUEST} events, ${bodies[0].length} B bodies)`,
  );
}
if (sink === 0) throw new Error('nothing was encoded');

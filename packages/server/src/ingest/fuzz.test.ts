import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CanonicalEvent } from '@opsloop/schema';
import fc from 'fast-check';
import { POSTHOG_CAPTURE_PATHS, SEGMENT_BATCH_PATHS, SEGMENT_SINGLE_PATHS } from './paths.js';
import { type EdgeServer, startEdgeServer } from './testing/edge-server.js';

const KEY = 'phc_fuzz';
let server: EdgeServer;
before(async () => {
  server = await startEdgeServer({ projects: { [KEY]: { id: 'fz', botFiltering: true } } });
});
after(() => server.close());

const PATHS = [
  ...POSTHOG_CAPTURE_PATHS.map((p) => `${p}/`),
  '/engage/',
  ...SEGMENT_BATCH_PATHS,
  ...SEGMENT_SINGLE_PATHS.map(([p]) => p),
  '/flags/?v=2',
  '/decide/',
];

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1e300, '', 'x'.repeat(5000), [], {}),
  fc.string({ maxLength: 20 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
  // Deep nesting.
  fc.integer({ min: 50, max: 2000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n))),
);
const validPostHog = fc.record({
  event: fc.string({ minLength: 1, maxLength: 10 }),
  distinct_id: fc.string({ minLength: 1, maxLength: 10 }),
  properties: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  }),
  timestamp: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.integer(),
  ),
});
const validSegment = fc.record({
  type: fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'),
  userId: fc.string({ minLength: 1, maxLength: 10 }),
  anonymousId: fc.string({ minLength: 1, maxLength: 10 }),
  event: fc.string({ minLength: 1, maxLength: 10 }),
  groupId: fc.string({ minLength: 1, maxLength: 10 }),
  previousId: fc.string({ minLength: 1, maxLength: 10 }),
  context: fc.dictionary(fc.constantFrom('page', 'campaign', 'userAgent', 'library'), junk, {
    maxKeys: 3,
  }),
});
const KEYS = [
  'event',
  'distinct_id',
  'properties',
  'timestamp',
  'type',
  'userId',
  'context',
  'traits',
  '$set',
  'uuid',
  'messageId',
  'sentAt',
];
const mutatedEvent = fc
  .tuple(
    fc.oneof(validPostHog, validSegment),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), junk), { maxLength: 3 }),
  )
  .map(([v, muts]) => {
    const out: Record<string, unknown> = { ...v };
    for (const [k, x] of muts) out[k] = x;
    return out;
  });
const payload = fc.oneof(
  mutatedEvent.map((e) => ({ ...e, api_key: KEY, writeKey: KEY })),
  fc
    .array(mutatedEvent, { maxLength: 5 })
    .map((batch) => ({ api_key: KEY, writeKey: KEY, batch, sent_at: 'x' })),
  fc.array(mutatedEvent, { maxLength: 5 }).map((batch) => ({ api_key: KEY, writeKey: KEY, batch })),
  fc.record({ api_key: junk, batch: junk, writeKey: junk, sentAt: junk }),
  junk,
);

type Encoding =
  | 'json'
  | 'gzip'
  | 'bad-gzip'
  | 'form-base64'
  | 'bad-base64'
  | 'random-bytes'
  | 'truncated';
function encode(value: unknown, how: Encoding, bytes: Uint8Array): Buffer {
  const json = JSON.stringify(value) ?? 'undefined';
  switch (how) {
    case 'json':
      return Buffer.from(json);
    case 'gzip':
      return gzipSync(json);
    case 'bad-gzip':
      return Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(bytes)]);
    case 'form-base64':
      return Buffer.from(
        `data=${encodeURIComponent(Buffer.from(json).toString('base64'))}&compression=base64`,
      );
    case 'bad-base64':
      return Buffer.from(`data=${Buffer.from(bytes).toString('latin1')}`);
    case 'random-bytes':
      return Buffer.from(bytes);
    case 'truncated':
      return Buffer.from(json.slice(0, Math.max(0, json.length - 3)));
  }
}

describe('fuzzing the capture routes', () => {
  it('never answers 5xx and never dies, whatever the body, encoding or content type', async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        payload,
        fc.constantFrom<Encoding>(
          'json',
          'gzip',
          'bad-gzip',
          'form-base64',
          'bad-base64',
          'random-bytes',
          'truncated',
        ),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(
          undefined,
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/octet-stream',
          'multipart/form-data; boundary=x',
          'garbage/;;;',
        ),
        fc.constantFrom(
          '',
          '?compression=gzip-js',
          '?compression=base64',
          '?compression=lz64',
          '?_=abc',
          '?_=1700000000000',
        ),
        fc.constantFrom(undefined, 'gzip', 'br', 'identity'),
        async (path, value, how, bytes, contentType, query, contentEncoding) => {
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (contentEncoding) headers['content-encoding'] = contentEncoding;
          const url = `${server.url}${path}${path.includes('?') ? query.replace('?', '&') : query}`;
          const res = await fetch(url, {
            method: 'POST',
            headers,
            body: encode(value, how, bytes),
          });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${res.status} ${path} ${how} ${contentType}`);
          return res.status < 500;
        },
      ),
      { numRuns: 1500 },
    );
    assert.deepEqual(failures, []);
    // Whatever got through is a valid canonical event.
    assert.ok(server.sink.events.length > 0, 'the fuzzer must let some events through');
    for (const e of server.sink.events) CanonicalEvent.parse(e);
    // The server is still alive and still ingesting.
    const ok = await fetch(`${server.url}/e/`, {
      method: 'POST',
      body: JSON.stringify({ api_key: KEY, event: 'alive', distinct_id: 'u' }),
    });
    assert.equal(ok.status, 200);
    assert.ok(server.sink.events.some((e) => e.event === 'alive'));
  });
});

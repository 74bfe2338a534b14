import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type EdgeServer, startEdgeServer } from './testing/edge-server.js';

const KEY = 'phc_public';
const NOBOT_KEY = 'phc_nobots';
const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const HEADLESS_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36';

let server: EdgeServer;
before(async () => {
  server = await startEdgeServer({
    projects: {
      [KEY]: { id: 'p1', botFiltering: true },
      [NOBOT_KEY]: { id: 'p2', botFiltering: false },
    },
  });
});
after(() => server.close());
beforeEach(() => {
  server.sink.clear();
  server.sink.failing = false;
});

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
const event = (over: Record<string, unknown> = {}) => ({
  event: 'clicked',
  distinct_id: 'u1',
  ...over,
});
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

describe('PostHog capture routes', () => {
  it('accepts every path with and without a trailing slash', async () => {
    const paths = ['/i/v0/e', '/e', '/capture', '/track', '/batch'];
    for (const p of paths.flatMap((x) => [x, `${x}/`])) {
      const r = await post(
        p,
        JSON.stringify({ api_key: KEY, batch: [event({ properties: { p } })] }),
      );
      assert.equal(r.status, 200, p);
      assert.deepEqual(r.json, { status: 1 });
    }
    assert.equal(server.sink.events.length, 10);
    assert.ok(server.sink.events.every((e) => e.projectId === 'p1'));
  });

  it('takes a single event, an array, and tokens inside events', async () => {
    await post('/e/', JSON.stringify(event({ api_key: KEY })));
    await post(
      '/e/',
      JSON.stringify([event({ token: KEY }), event({ properties: { token: KEY } })]),
    );
    assert.equal(server.sink.events.length, 3);
  });

  it('reads gzip by magic bytes, by Content-Encoding and by compression=gzip-js', async () => {
    const body = gzipSync(JSON.stringify({ api_key: KEY, batch: [event()] }));
    assert.equal((await post('/batch/', body, { 'content-type': 'application/json' })).status, 200);
    assert.equal((await post('/batch/', body, { 'content-encoding': 'gzip' })).status, 200);
    assert.equal(
      (await post('/e/?compression=gzip-js', body, { 'content-type': 'text/plain' })).status,
      200,
    );
    assert.equal(server.sink.events.length, 3);
  });

  it('reads base64 form bodies (the page-hide beacon), plain form bodies, text/plain and GET data=', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const data = encodeURIComponent(b64({ api_key: KEY, batch: [event({ event: 'beacon' })] }));
    assert.equal((await post('/e/?compression=base64', `data=${data}`, form)).status, 200);
    // An unescaped `+` arrives as a space; base64 is still read.
    const plus = b64({
      api_key: KEY,
      batch: [event({ event: 'beacon', properties: { x: '>>>?' } })],
    });
    assert.ok(plus.includes('+'), 'the payload must contain a plus to test this');
    assert.equal((await post('/e/', `data=${plus}&compression=base64`, form)).status, 200);
    const plain = encodeURIComponent(JSON.stringify(event({ api_key: KEY, event: 'form' })));
    assert.equal((await post('/e/', `data=${plain}`, form)).status, 200);
    assert.equal(
      (await post('/e/', JSON.stringify(event({ api_key: KEY })), { 'content-type': 'text/plain' }))
        .status,
      200,
    );
    const get = await fetch(
      `${server.url}/e/?data=${encodeURIComponent(b64(event({ api_key: KEY, event: 'get' })))}`,
    );
    assert.equal(get.status, 200);
    assert.deepEqual(
      server.sink.events.map((e) => e.event),
      ['beacon', 'beacon', 'form', 'clicked', 'get'],
    );
  });

  it('corrects skew from sent_at and from the _ query parameter', async () => {
    const ts = '2001-01-01T00:00:00.000Z';
    const sentAt = '2001-01-01T00:00:10.000Z';
    const before = Date.now();
    await post(
      '/batch/',
      JSON.stringify({ api_key: KEY, sent_at: sentAt, batch: [event({ timestamp: ts })] }),
    );
    await post(
      `/e/?_=${Date.parse(sentAt)}`,
      JSON.stringify({ api_key: KEY, batch: [event({ timestamp: ts })] }),
    );
    for (const e of server.sink.events) {
      assert.ok(
        e.timestamp >= before - 10_000 && e.timestamp <= Date.now() - 10_000 + 5,
        `${e.timestamp}`,
      );
    }
    assert.equal(server.sink.events.length, 2);
  });

  it('maps /engage $set to person ops', async () => {
    const r = await post(
      '/engage/',
      JSON.stringify({ $token: KEY, $distinct_id: 'u9', $set: { plan: 'pro' } }),
    );
    assert.equal(r.status, 200);
    assert.equal(server.sink.events[0]?.event, '$set');
    assert.equal(server.sink.events[0]?.distinctId, 'u9');
    assert.deepEqual(server.sink.events[0]?.personOps, { set: { plan: 'pro' } });
  });
});

describe('bad input', () => {
  it('keeps the valid events of a batch and lists the refused ones', async () => {
    const r = await post(
      '/batch/',
      JSON.stringify({
        api_key: KEY,
        batch: [event(), event({ distinct_id: 'x'.repeat(201) }), 'nope', event()],
      }),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      status: 1,
      rejected: [
        { index: 1, reason: 'distinct_id is longer than 200 characters' },
        { index: 2, reason: 'event is not an object' },
      ],
    });
    assert.equal(server.sink.events.length, 2);
  });

  it('answers 400 with a reason when every event is refused, or the body is malformed', async () => {
    const r = await post(
      '/e/',
      JSON.stringify(event({ api_key: KEY, distinct_id: 'x'.repeat(201) })),
    );
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.json), /distinct_id is longer than 200 characters/);
    const cases: Array<[string | Buffer, Record<string, string>, RegExp]> = [
      ['{"api_key":', {}, /not valid JSON/],
      [Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]), {}, /not valid gzip/],
      ['data=%%%***', { 'content-type': 'application/x-www-form-urlencoded' }, /base64/],
      ['"a string"', {}, /must be an event/],
      [JSON.stringify({ api_key: KEY, batch: 'x' }), {}, /batch must be an array/],
      [
        JSON.stringify({ api_key: KEY, sent_at: 'yesterday', batch: [] }),
        {},
        /sent_at is not a date/,
      ],
    ];
    for (const [body, headers, reason] of cases) {
      const res = await post('/batch/', body, headers);
      assert.equal(res.status, 400, String(reason));
      assert.match(JSON.stringify(res.json), reason);
    }
    const wrongType = await post('/e/', JSON.stringify(event({ api_key: KEY, properties: [] })));
    assert.equal(wrongType.status, 400);
    assert.match(JSON.stringify(wrongType.json), /properties must be an object/);
    assert.equal(server.sink.events.length, 0);
  });

  it('refuses an event over 1 MB and keeps its neighbours', async () => {
    const big = event({ properties: { blob: 'x'.repeat(1024 * 1024 + 10) } });
    const r = await post('/batch/', JSON.stringify({ api_key: KEY, batch: [event(), big] }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      status: 1,
      rejected: [{ index: 1, reason: 'event is larger than 1048576 bytes' }],
    });
    assert.equal(server.sink.events.length, 1);
  });

  it('answers 413 above 20 MB, compressed or not', async () => {
    const huge = JSON.stringify({
      api_key: KEY,
      batch: [event({ properties: { x: 'y'.repeat(21 * 1024 * 1024) } })],
    });
    assert.equal((await post('/batch/', huge)).status, 413);
    assert.equal((await post('/batch/', gzipSync(huge))).status, 413);
  });

  it('answers 401 for a missing key, an unknown key and a secret key', async () => {
    const missing = await post('/batch/', JSON.stringify({ batch: [event()] }));
    assert.equal(missing.status, 401);
    assert.equal((await post('/batch/', JSON.stringify({ batch: [] }))).status, 401);
    assert.equal(
      (await post('/batch/', JSON.stringify({ api_key: 'phc_unknown', batch: [event()] }))).status,
      401,
    );
    const secret = await post(
      '/batch/',
      JSON.stringify({ api_key: 'ols_secret', batch: [event()] }),
    );
    assert.equal(secret.status, 401);
    assert.match(JSON.stringify(secret.json), /secret key/);
    assert.equal(server.sink.events.length, 0);
  });

  it('answers 503 when the sink cannot make events durable', async () => {
    server.sink.failing = true;
    const r = await post('/batch/', JSON.stringify({ api_key: KEY, batch: [event()] }));
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '5');
  });

  it('drops and counts bot events unless the project turned filtering off', async () => {
    const body = (key: string) =>
      JSON.stringify({
        api_key: key,
        batch: [
          event({ properties: { $raw_user_agent: HEADLESS_UA } }),
          event({ properties: { $raw_user_agent: CHROME_UA } }),
        ],
      });
    assert.equal((await post('/batch/', body(KEY))).status, 200);
    assert.equal(server.sink.events.length, 1);
    assert.equal(server.sink.droppedCount('p1'), 1);
    assert.equal((await post('/batch/', body(NOBOT_KEY))).status, 200);
    assert.equal(server.sink.events.length, 3);
    assert.equal(server.sink.droppedCount('p2'), 0);
    // A browser request's own agent counts; a server SDK's does not.
    await post('/e/', JSON.stringify(event({ api_key: KEY })), {
      'user-agent': HEADLESS_UA,
      origin: 'https://a.io',
    });
    await post('/e/', JSON.stringify(event({ api_key: KEY })), {
      'user-agent': 'posthog-node/5.70.0',
    });
    assert.equal(server.sink.droppedCount('p1'), 2);
    assert.equal(server.sink.events.length, 4);
  });
});

describe('Segment routes', () => {
  const basic = (key: string) => ({
    authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
  });

  it('takes batches with the key in the body or as the Basic user, and the short forms', async () => {
    const msg = { type: 'track', event: 'Bought', userId: 'u', anonymousId: 'a' };
    const r = await post('/v1/batch', JSON.stringify({ writeKey: KEY, batch: [msg] }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { success: true });
    assert.equal((await post('/v1/b', JSON.stringify({ batch: [msg] }), basic(KEY))).status, 200);
    const single: Array<[string, Record<string, unknown>]> = [
      ['/v1/t', { event: 'T', userId: 'u' }],
      ['/v1/identify', { userId: 'u', traits: { email: 'e' } }],
      ['/v1/p', { anonymousId: 'a', name: 'Home' }],
      ['/v1/s', { userId: 'u', name: 'Main' }],
      ['/v1/g', { userId: 'u', groupId: 'acme' }],
      ['/v1/a', { userId: 'u', previousId: 'a' }],
    ];
    for (const [path, body] of single) {
      const res = await post(path, JSON.stringify({ ...body, writeKey: KEY }), {
        'content-type': 'text/plain',
      });
      assert.equal(res.status, 200, path);
    }
    assert.deepEqual(
      server.sink.events.map((e) => e.event),
      [
        'Bought',
        'Bought',
        'T',
        '$identify',
        '$pageview',
        '$screen',
        '$groupidentify',
        '$create_alias',
      ],
    );
    assert.equal((await post('/v1/batch', JSON.stringify({ batch: [msg] }))).status, 401);
  });
});

describe('CORS and flags', () => {
  it('reflects the origin with credentials and answers preflights', async () => {
    const pre = await fetch(`${server.url}/e/`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.io',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-custom',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://shop.io');
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,x-custom');
    assert.equal(pre.headers.get('access-control-max-age'), '86400');
    const res = await post('/e/', JSON.stringify(event({ api_key: KEY })), {
      origin: 'https://shop.io',
    });
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.io');
    const err = await post('/e/', '{', { origin: 'https://shop.io' });
    assert.equal(err.headers.get('access-control-allow-origin'), 'https://shop.io');
  });

  it('answers flags, decide and remote config with nothing enabled', async () => {
    const flags = await post(
      '/flags/?v=2',
      JSON.stringify({ token: KEY, distinct_id: 'u', flag_keys_to_evaluate: [] }),
    );
    assert.equal(flags.status, 200);
    assert.deepEqual((flags.json as { flags: unknown }).flags, {});
    assert.equal(
      (flags.json as { errorsWhileComputingFlags: boolean }).errorsWhileComputingFlags,
      false,
    );
    const decide = await post('/decide/?v=3', 'data=xyz', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.deepEqual((decide.json as { featureFlags: unknown }).featureFlags, {});
    const config = (await (await fetch(`${server.url}/array/${KEY}/config`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(config['sessionRecording'], false);
    assert.equal(config['surveys'], false);
    const js = await fetch(`${server.url}/array/${KEY}/config.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(await js.text(), /_POSTHOG_REMOTE_CONFIG\["phc_public"\]/);
  });
});

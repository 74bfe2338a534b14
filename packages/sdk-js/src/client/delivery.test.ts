import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildEvent, type WireEvent } from '../core/event.js';
import { type FakeEnv, fakeEnv } from '../testing/fake-env.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { memoryStore } from './storage.js';

let seq = 0;
function event(name = 'e'): WireEvent {
  seq++;
  return buildEvent({
    event: name,
    uuid: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    nowMs: 0,
    distinctId: 'd',
    sessionId: 's',
    page: { url: 'https://a.example/', referrer: '', title: '' },
    superProperties: {},
    groups: {},
  });
}

function setup(overrides: Partial<DeliveryOptions> = {}, env: FakeEnv = fakeEnv()) {
  const options: DeliveryOptions = {
    url: 'https://ingest.example/batch/',
    apiKey: 'wk',
    batchSize: 3,
    flushIntervalMs: 1000,
    maxQueue: 10,
    store: env.storage,
    storeKey: 'q',
    ...overrides,
  };
  return { env, delivery: new Delivery(env, options), options };
}

test('a full batch is sent at once; a partial one after the interval', async () => {
  const { env, delivery } = setup();
  for (let i = 0; i < 3; i++) delivery.enqueue(event(`e${i}`));
  await env.clock.advance(0);
  delivery.enqueue(event('e3'));
  assert.deepEqual(
    env.fakeTransport.sent.map((b) => b.batch.map((e) => e.event)),
    [['e0', 'e1', 'e2']],
  );
  await env.clock.advance(999);
  assert.equal(env.fakeTransport.sent.length, 1);
  await env.clock.advance(1);
  assert.deepEqual(
    env.fakeTransport.sent[1]?.batch.map((e) => e.event),
    ['e3'],
  );
  assert.equal(delivery.size, 0);
  assert.equal(env.fakeTransport.sent[0]?.api_key, 'wk');
});

test('5xx and network errors are retried with backoff until delivered', async () => {
  const { env, delivery } = setup();
  env.fakeTransport.responses = [
    { status: 503, retryAfter: null },
    { status: 0, retryAfter: null },
  ];
  delivery.enqueue(event('a'));
  await delivery.flush();
  assert.equal(env.fakeTransport.sent.length, 1);
  // random() is 0.5: first retry after 0.5·1000 ms, then 0.5·2000 ms.
  await env.clock.advance(499);
  assert.equal(env.fakeTransport.sent.length, 1);
  await env.clock.advance(1);
  assert.equal(env.fakeTransport.sent.length, 2);
  await env.clock.advance(1000);
  assert.equal(env.fakeTransport.sent.length, 3);
  assert.equal(delivery.size, 0);
  const uuids = env.fakeTransport.sent.map((b) => b.batch[0]?.uuid);
  assert.equal(new Set(uuids).size, 1, 'the same event is resent, not a copy');
});

test('429 waits for Retry-After', async () => {
  const { env, delivery } = setup();
  env.fakeTransport.responses = [{ status: 429, retryAfter: '5' }];
  delivery.enqueue(event());
  await delivery.flush();
  await env.clock.advance(4999);
  assert.equal(env.fakeTransport.sent.length, 1);
  await delivery.flush();
  assert.equal(env.fakeTransport.sent.length, 1, 'an explicit flush also waits');
  await env.clock.advance(1);
  assert.equal(env.fakeTransport.sent.length, 2);
  assert.equal(delivery.size, 0);
});

test('400, 401 and 413 drop the batch without retrying and count the drops', async () => {
  for (const status of [400, 401, 413]) {
    const { env, delivery } = setup();
    env.fakeTransport.responses = [{ status, retryAfter: null }];
    delivery.enqueue(event());
    delivery.enqueue(event());
    await delivery.flush();
    await env.clock.advance(120_000);
    assert.equal(env.fakeTransport.sent.length, 1, `${status}`);
    assert.equal(delivery.size, 0);
    assert.equal(delivery.dropped, 2);
    assert.ok(env.logs.some((l) => l.includes(`HTTP ${status}`)));
  }
});

test('the queue is bounded: the oldest events are dropped and counted', async () => {
  const { env, delivery } = setup({ maxQueue: 3, batchSize: 100 });
  env.online = false;
  for (let i = 0; i < 5; i++) delivery.enqueue(event(`e${i}`));
  assert.equal(delivery.size, 3);
  assert.equal(delivery.dropped, 2);
  env.online = true;
  await delivery.online();
  assert.deepEqual(
    env.fakeTransport.events.map((e) => e.event),
    ['e2', 'e3', 'e4'],
  );
});

test('offline: nothing is sent; events persist and survive a reload; online flushes them', async () => {
  const store = memoryStore();
  const first = setup({ store }, fakeEnv({ storage: store }));
  first.env.online = false;
  first.delivery.enqueue(event('x'));
  first.delivery.enqueue(event('y'));
  await first.env.clock.advance(10_000);
  assert.equal(first.env.fakeTransport.sent.length, 0);

  // A reload: a new Delivery over the same storage picks the queue up and sends it.
  const second = setup({ store }, fakeEnv({ storage: store }));
  assert.equal(second.delivery.size, 2);
  await second.env.clock.advance(0);
  assert.deepEqual(
    second.env.fakeTransport.events.map((e) => e.event),
    ['x', 'y'],
  );
  assert.equal(store.get('q'), '[]');
});

test('corrupt stored queues are ignored', () => {
  const store = memoryStore();
  store.set('q', '[{"uuid":1},"junk",null');
  assert.equal(setup({ store }, fakeEnv({ storage: store })).delivery.size, 0);
  store.set('q', JSON.stringify([{ uuid: 'u' }, event('ok')]));
  assert.equal(setup({ store }, fakeEnv({ storage: store })).delivery.size, 1);
});

test('pageHide beacons what is queued but not in flight', async () => {
  const { env, delivery } = setup({ batchSize: 2 });
  env.fakeTransport.hold = true;
  delivery.enqueue(event('a'));
  delivery.enqueue(event('b')); // full batch: a request carrying a and b starts
  await env.clock.advance(0);
  delivery.enqueue(event('c'));
  delivery.pageHide();
  assert.deepEqual(
    env.fakeTransport.beacons.map((b) => b.batch.map((e) => e.event)),
    [['c']],
  );
  assert.equal(delivery.size, 2, 'a and b wait for their request');
  env.fakeTransport.release();
  await env.clock.advance(0);
  assert.equal(delivery.size, 0);
});

test('pageHide keeps events when the browser refuses the beacon or is offline', () => {
  const { env, delivery } = setup({ batchSize: 10 });
  delivery.enqueue(event());
  env.fakeTransport.beaconAccepts = false;
  delivery.pageHide();
  assert.equal(delivery.size, 1);
  env.fakeTransport.beaconAccepts = true;
  env.online = false;
  delivery.pageHide();
  assert.equal(delivery.size, 1);
  assert.equal(env.fakeTransport.beacons.length, 0);
});

test('pageHide splits large queues into beacons under 64 KB', () => {
  const { env, delivery } = setup({ batchSize: 500, maxQueue: 1000 });
  for (let i = 0; i < 400; i++) delivery.enqueue(event(`e${'x'.repeat(300)}`));
  delivery.pageHide();
  assert.ok(env.fakeTransport.beacons.length > 1);
  for (const b of env.fakeTransport.beacons) assert.ok(JSON.stringify(b).length < 64 * 1024);
  assert.equal(
    env.fakeTransport.beacons.reduce((n, b) => n + b.batch.length, 0),
    400,
  );
  assert.equal(delivery.size, 0);
});

test('clear forgets queued events', async () => {
  const { env, delivery } = setup();
  delivery.enqueue(event());
  delivery.clear();
  await env.clock.advance(5000);
  assert.equal(env.fakeTransport.sent.length, 0);
  assert.equal(env.storage.get('q'), '[]');
});

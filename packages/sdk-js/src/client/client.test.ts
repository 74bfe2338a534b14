import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_IDLE_MS } from '../core/session.js';
import { type FakeEnv, fakeEnv } from '../testing/fake-env.js';
import { Client } from './client.js';
import { type InitOptions, resolveOptions } from './options.js';
import { memoryStore, safeStore } from './storage.js';

function start(options: InitOptions = {}, env: FakeEnv = fakeEnv()) {
  const client = new Client(
    env,
    'wk_test',
    resolveOptions({ batchSize: 1, ...options }, 'https://shop.example'),
  );
  return { env, client };
}

async function sent(env: FakeEnv) {
  await env.clock.advance(0);
  return env.fakeTransport.events;
}

test('capture sends an event with distinct id, session and library', async () => {
  const { env, client } = start();
  client.capture('clicked', { button: 'buy' });
  const [e] = await sent(env);
  assert.equal(e?.event, 'clicked');
  assert.equal(e?.distinct_id, client.getDistinctId());
  assert.equal(e?.properties['button'], 'buy');
  assert.equal(e?.properties['$session_id'], client.getSessionId());
  assert.equal(e?.properties['$lib'], 'opsloop-js');
  assert.match(client.getDistinctId(), /^[0-9a-f-]{36}$/);
});

test('identify links the anonymous id once; traits go in $set', async () => {
  const { env, client } = start();
  const anon = client.getDistinctId();
  client.identify('user-1', { email: 'u1@example.com' });
  client.identify('user-1', { plan: 'pro' });
  client.identify('user-1');
  client.capture('after');
  const events = await sent(env);
  assert.deepEqual(
    events.map((e) => [e.event, e.distinct_id]),
    [
      ['$identify', 'user-1'],
      ['$set', 'user-1'],
      ['after', 'user-1'],
    ],
  );
  assert.equal(events[0]?.properties['$anon_distinct_id'], anon);
  assert.deepEqual(events[0]?.properties['$set'], { email: 'u1@example.com' });
  assert.deepEqual(events[1]?.properties['$set'], { plan: 'pro' });
});

test('identifying a second user does not merge it with the first', async () => {
  const { env, client } = start();
  client.identify('user-1');
  client.identify('user-2');
  const events = await sent(env);
  assert.equal(events[1]?.distinct_id, 'user-2');
  assert.ok(!('$anon_distinct_id' in (events[1]?.properties ?? {})));
});

test('alias sends $create_alias; group sends $groupidentify and later events carry $groups', async () => {
  const { env, client } = start();
  client.alias('legacy-42');
  client.group('company', 'acme', { name: 'Acme' });
  client.capture('in-group');
  const [alias, group, after] = await sent(env);
  assert.equal(alias?.event, '$create_alias');
  assert.equal(alias?.properties['alias'], 'legacy-42');
  assert.equal(group?.event, '$groupidentify');
  assert.deepEqual(
    [
      group?.properties['$group_type'],
      group?.properties['$group_key'],
      group?.properties['$group_set'],
    ],
    ['company', 'acme', { name: 'Acme' }],
  );
  assert.deepEqual(after?.properties['$groups'], { company: 'acme' });
});

test('super properties are sent, persisted across reloads and removable', async () => {
  const storage = memoryStore();
  const first = start({}, fakeEnv({ storage }));
  first.client.register({ app: 'web', tier: 'gold' });
  first.client.unregister('tier');
  const second = start({}, fakeEnv({ storage }));
  second.client.capture('x', { app: 'override' });
  second.client.capture('y');
  const [x, y] = await sent(second.env);
  assert.equal(x?.properties['app'], 'override', 'event properties win');
  assert.equal(y?.properties['app'], 'web');
  assert.ok(!('tier' in (y?.properties ?? {})));
});

test('identity and session survive a reload; reset starts over', async () => {
  const storage = memoryStore();
  const first = start({}, fakeEnv({ storage }));
  first.client.identify('user-9');
  first.client.group('team', 't1');
  const session = first.client.getSessionId();
  const second = start({}, fakeEnv({ storage, clock: first.env.clock }));
  assert.equal(second.client.getDistinctId(), 'user-9');
  assert.equal(second.client.getSessionId(), session);
  second.client.reset();
  assert.notEqual(second.client.getDistinctId(), 'user-9');
  assert.notEqual(second.client.getSessionId(), session);
  second.client.capture('after-reset');
  second.client.identify('user-10');
  // The first page's unsent events were restored from storage and go first.
  const events = (await sent(second.env)).slice(-2);
  assert.deepEqual(
    events.map((e) => e.event),
    ['after-reset', '$identify'],
  );
  assert.ok(!('$groups' in (events[0]?.properties ?? {})));
  assert.notEqual(events[0]?.distinct_id, 'user-9');
  assert.equal(
    events[1]?.properties['$anon_distinct_id'],
    events[0]?.distinct_id,
    'after reset the new anonymous id is merged',
  );
});

test('the session rotates after 30 idle minutes', async () => {
  const { env, client } = start();
  client.capture('a');
  await env.clock.advance(SESSION_IDLE_MS);
  client.capture('b');
  await env.clock.advance(SESSION_IDLE_MS + 1);
  client.capture('c');
  const [a, b, c] = await sent(env);
  assert.equal(a?.properties['$session_id'], b?.properties['$session_id']);
  assert.notEqual(b?.properties['$session_id'], c?.properties['$session_id']);
});

test('pageviews carry current UTM and referral code; first touch is kept in $set_once', async () => {
  const { env, client } = start();
  env.page = () => ({
    url: 'https://shop.example/?utm_source=news&utm_campaign=spring&invite=FRIEND1',
    referrer: 'https://blog.example/post',
    title: 'Home',
  });
  client.pageview();
  env.page = () => ({
    url: 'https://shop.example/?utm_source=ads&ref=R2',
    referrer: '',
    title: 'Home',
  });
  client.pageview();
  const [first, second] = await sent(env);
  assert.equal(first?.event, '$pageview');
  assert.equal(first?.properties['utm_source'], 'news');
  assert.equal(first?.properties['$referral_code'], 'FRIEND1');
  assert.equal(first?.properties['$referring_domain'], 'blog.example');
  assert.deepEqual(first?.properties['$set_once'], {
    $initial_utm_source: 'news',
    $initial_utm_campaign: 'spring',
    $initial_referrer: 'https://blog.example/post',
    $initial_referring_domain: 'blog.example',
    $initial_current_url:
      'https://shop.example/?utm_source=news&utm_campaign=spring&invite=FRIEND1',
    $initial_referral_code: 'FRIEND1',
  });
  assert.equal(second?.properties['utm_source'], 'ads', 'current touch');
  const setOnce = second?.properties['$set_once'] as Record<string, unknown>;
  assert.equal(setOnce['$initial_utm_source'], 'news', 'first touch is unchanged');
  assert.equal(second?.properties['$referral_code'], 'R2');
});

test('the referral parameter is configurable', async () => {
  const { env, client } = start({ referralParam: 'code' });
  env.page = () => ({ url: 'https://shop.example/?ref=NO&code=YES', referrer: '', title: '' });
  client.pageview();
  const [e] = await sent(env);
  assert.equal(e?.properties['$referral_code'], 'YES');
});

test('a pageview for an unchanged address is not repeated', async () => {
  const { env, client } = start();
  client.pageview();
  client.pageview();
  env.page = () => ({ url: 'https://shop.example/#/inbox', referrer: '', title: '' });
  client.pageview();
  assert.deepEqual(
    (await sent(env)).map((e) => e.properties['$current_url']),
    ['https://shop.example/', 'https://shop.example/#/inbox'],
  );
});

test('opt-out stops capture, clears the queue and is remembered; opt-in resumes', async () => {
  const storage = memoryStore();
  const first = start({ batchSize: 10 }, fakeEnv({ storage }));
  first.client.capture('queued');
  first.client.optOut();
  first.client.capture('ignored');
  await first.env.clock.advance(60_000);
  assert.equal(first.env.fakeTransport.sent.length, 0);
  const second = start({}, fakeEnv({ storage }));
  second.client.capture('still-ignored');
  second.client.optIn();
  second.client.capture('welcome-back');
  assert.deepEqual(
    (await sent(second.env)).map((e) => e.event),
    ['$opt_in', 'welcome-back'],
  );
});

test('Do Not Track is honoured only when respectDnt is set', async () => {
  const ignoring = start({ respectDnt: false });
  ignoring.env.dnt = true;
  ignoring.client.capture('x');
  assert.equal((await sent(ignoring.env)).length, 1);
  const respecting = start({ respectDnt: true });
  respecting.env.dnt = true;
  respecting.client.capture('x');
  respecting.client.pageview();
  assert.equal((await sent(respecting.env)).length, 0);
});

test('memory persistence leaves the storage untouched', () => {
  const storage = memoryStore();
  const { client } = start({ persistence: 'memory' }, fakeEnv({ storage }));
  client.identify('u');
  client.capture('x');
  assert.equal(storage.get('opsloop_wk_test'), null);
  assert.equal(storage.get('opsloop_wk_test_queue'), null);
});

test('a browser storage that throws on every call does not stop capture', async () => {
  const throwing = () => {
    throw new Error('SecurityError');
  };
  const broken = {
    getItem: throwing,
    setItem: throwing,
    removeItem: throwing,
  } as unknown as Storage;
  const { env, client } = start({}, fakeEnv({ storage: safeStore(() => broken) }));
  client.identify('u');
  client.capture('x');
  assert.deepEqual(
    (await sent(env)).map((e) => [e.event, e.distinct_id]),
    [
      ['$identify', 'u'],
      ['x', 'u'],
    ],
  );
});

test('bad arguments are ignored and logged', async () => {
  const { env, client } = start();
  client.capture('');
  client.identify('');
  client.alias('');
  client.group('', 'k');
  assert.equal((await sent(env)).length, 0);
  assert.equal(env.logs.length, 4);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FakeEnv, fakeEnv } from '../testing/fake-env.js';
import { createApi } from './api.js';
import { Client } from './client.js';
import { resolveOptions } from './options.js';

function api(env: FakeEnv = fakeEnv()) {
  let starts = 0;
  const sdk = createApi((key, options) => {
    starts++;
    return new Client(
      env,
      key,
      resolveOptions({ batchSize: 1, ...options }, 'https://shop.example'),
    );
  });
  return { sdk, env, starts: () => starts };
}

test('calls before init are ignored; a second init is ignored', async () => {
  const { sdk, env, starts } = api();
  sdk.capture('too-early');
  assert.equal(sdk.getDistinctId(), null);
  assert.equal(sdk.getSessionId(), null);
  await sdk.flush();
  sdk.init('wk');
  sdk.init('wk-other');
  sdk.init('');
  assert.equal(starts(), 1);
  sdk.capture('ok');
  await env.clock.advance(0);
  assert.deepEqual(
    env.fakeTransport.events.map((e) => e.event),
    ['ok'],
  );
  assert.equal(env.fakeTransport.sent[0]?.api_key, 'wk');
});

test('no public method throws, whatever it is given', async () => {
  const { sdk, env } = api();
  sdk.init('wk');
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const hostile = [undefined, null, 42, 'str', cyclic, { big: 10n }, [1, 2], Symbol('s')];
  const methods = sdk as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(methods)) {
    for (const a of hostile) {
      for (const b of hostile) {
        assert.doesNotThrow(() => methods[name]?.(a, b, a), `${name}(${String(a)}, ${String(b)})`);
      }
    }
  }
  await env.clock.advance(10_000);
  await assert.doesNotReject(sdk.flush());
});

test('an internal failure is swallowed', async () => {
  const env = fakeEnv();
  env.page = () => {
    throw new Error('location is not available');
  };
  const { sdk } = api(env);
  sdk.init('wk');
  assert.doesNotThrow(() => sdk.capture('x'));
  env.fakeTransport.send = () => Promise.reject(new Error('boom'));
  await assert.doesNotReject(sdk.flush());
});

test('unserialisable properties drop the call instead of poisoning the queue', async () => {
  const { sdk, env } = api();
  sdk.init('wk', { debug: true });
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  sdk.capture('bad', cyclic);
  sdk.capture('good', { when: new Date(0) });
  await env.clock.advance(0);
  assert.deepEqual(
    env.fakeTransport.events.map((e) => [e.event, e.properties['when']]),
    [['good', '1970-01-01T00:00:00.000Z']],
  );
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../accounts/create-user.js';
import { signIn } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const json = { 'content-type': 'application/json' };

describe('auth routes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ OPSLOOP_SECURE_COOKIES: 'true' });
    await createUser(server.ctx.meta, {
      email: 'Ann@Example.com',
      name: 'Ann',
      password: 'ann-password',
    });
  });
  after(async () => {
    await server.dispose();
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('signs in with a hardened cookie, answers /me, and signs out', async () => {
    const res = await post('/api/auth/login', {
      email: 'ann@example.com',
      password: 'ann-password',
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^opsloop_session=ses_/);
    for (const attr of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure'])
      assert.ok(setCookie.includes(attr), attr);
    const body = (await res.json()) as { user: { email: string }; csrfToken: string };
    assert.equal(body.user.email, 'Ann@Example.com');
    const cookie = setCookie.split(';')[0] ?? '';

    const org = await post(
      '/api/orgs',
      { name: 'Ann Co' },
      { cookie, 'x-csrf-token': body.csrfToken },
    );
    assert.equal(org.status, 201);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
    assert.equal(me.status, 200);
    const meBody = (await me.json()) as {
      csrfToken: string;
      organizations: { name: string; role: string }[];
    };
    assert.equal(meBody.csrfToken, body.csrfToken);
    assert.deepEqual(
      meBody.organizations.map((o) => [o.name, o.role]),
      [['Ann Co', 'owner']],
    );

    const out = await post('/api/auth/logout', {}, { cookie, 'x-csrf-token': body.csrfToken });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).status, 401);
  });

  it('answers a wrong password and an unknown email alike, then throttles with Retry-After', async () => {
    const wrong = await post('/api/auth/login', {
      email: 'ann@example.com',
      password: 'nope-nope',
    });
    const unknown = await post('/api/auth/login', {
      email: 'zed@example.com',
      password: 'nope-nope',
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(await wrong.json(), await unknown.json());
    for (let i = 0; i < 4; i++)
      await post('/api/auth/login', { email: 'zed@example.com', password: 'x' });
    const limited = await post('/api/auth/login', { email: 'zed@example.com', password: 'x' });
    assert.equal(limited.status, 429);
    assert.equal(
      ((await limited.json()) as { error: { code: string } }).error.code,
      'rate_limited',
    );
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  it('changes the password and signs out the other sessions only', async () => {
    await createUser(server.ctx.meta, {
      email: 'bo@example.com',
      name: 'Bo',
      password: 'bo-password',
    });
    const one = await signIn(server.url, 'bo@example.com', 'bo-password');
    const two = await signIn(server.url, 'bo@example.com', 'bo-password');
    const bad = await post(
      '/api/auth/password',
      { currentPassword: 'wrong', newPassword: 'bo-password-2' },
      { cookie: one.cookie, 'x-csrf-token': one.csrfToken },
    );
    assert.equal(bad.status, 403);
    const short = await post(
      '/api/auth/password',
      { currentPassword: 'bo-password', newPassword: 'short' },
      { cookie: one.cookie, 'x-csrf-token': one.csrfToken },
    );
    assert.equal(short.status, 400);
    const ok = await post(
      '/api/auth/password',
      { currentPassword: 'bo-password', newPassword: 'bo-password-2' },
      { cookie: one.cookie, 'x-csrf-token': one.csrfToken },
    );
    assert.equal(ok.status, 204);
    assert.equal(
      (await fetch(`${server.url}/api/auth/me`, { headers: { cookie: one.cookie } })).status,
      200,
    );
    assert.equal(
      (await fetch(`${server.url}/api/auth/me`, { headers: { cookie: two.cookie } })).status,
      401,
    );
    await signIn(server.url, 'bo@example.com', 'bo-password-2');
  });

  it('answers bad input with a clear 4xx', async () => {
    const malformed = await post('/api/auth/login', '{"email":');
    assert.equal(malformed.status, 400);
    const wrongType = await post('/api/auth/login', { email: 5, password: 'x' });
    assert.equal(wrongType.status, 400);
    assert.match(
      ((await wrongType.json()) as { error: { message: string } }).error.message,
      /body\.email/,
    );
    const extra = await post('/api/auth/login', { email: 'a@b.c', password: 'x', admin: true });
    assert.equal(extra.status, 400);
    const huge = await post('/api/auth/login', {
      email: 'a@b.c',
      password: 'x'.repeat(2 * 1024 * 1024),
    });
    assert.equal(huge.status, 413);
    const garbageBearer = await fetch(`${server.url}/api/auth/me`, {
      headers: { authorization: 'Bearer ols_forged' },
    });
    assert.equal(garbageBearer.status, 401);
  });
});

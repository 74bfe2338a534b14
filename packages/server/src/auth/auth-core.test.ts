import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type MetaStore, openSqliteMetaStore } from '@opsloop/store';
import { parseCookies, serializeCookie } from './cookies.js';
import { LoginThrottle, waitMs } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import { canGrantRole, canManageMember, hasRole, keyHasScope } from './permissions.js';

describe('passwords', () => {
  it('hashes with a per-user salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.notEqual(a, b, 'salted');
    assert.match(a, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct hors', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
    assert.equal(await verifyPassword('x', 'scrypt$16384$8$1$c2FsdA$c2hvcnQ'), false);
  });
});

describe('cookies', () => {
  it('parses the first value of each name and skips malformed escapes', () => {
    const c = parseCookies('a=1; opsloop_session=ses_x%2By; a=2; bad=%E0%A4%A; q="v"');
    assert.equal(c.get('a'), '1');
    assert.equal(c.get('opsloop_session'), 'ses_x+y');
    assert.equal(c.has('bad'), false);
    assert.equal(c.get('q'), 'v');
    assert.equal(parseCookies(undefined).size, 0);
  });
  it('serialises attributes', () => {
    assert.equal(
      serializeCookie('s', 'a b', {
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        maxAgeSeconds: 10,
      }),
      's=a%20b; Path=/; Max-Age=10; HttpOnly; Secure; SameSite=Lax',
    );
    assert.throws(() => serializeCookie('bad name', 'x'));
  });
});

describe('login throttle', () => {
  let meta: MetaStore;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsloop-throttle-'));
    meta = await openSqliteMetaStore({ file: join(dir, 'meta.sqlite') });
  });
  afterEach(async () => {
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('blocks the sixth failure per email and IP within 15 minutes, then lets go', async () => {
    let t = 0;
    const th = new LoginThrottle({ failures: meta.signInFailures, now: () => t });
    for (let i = 0; i < 5; i++) {
      assert.equal(await th.retryAfterMs('A@x.io', '1.1.1.1'), 0);
      await th.recordFailure('a@x.io', '1.1.1.1');
      t += 1000;
    }
    assert.equal(await th.retryAfterMs('a@x.io', '1.1.1.1'), 15 * 60_000 - 5000);
    assert.equal(await th.retryAfterMs('a@x.io', '2.2.2.2'), 0, 'another IP is not blocked');
    t = 15 * 60_000 + 1;
    assert.equal(await th.retryAfterMs('a@x.io', '1.1.1.1'), 0);
  });

  it('caps failures per email across IPs', async () => {
    const th = new LoginThrottle({ failures: meta.signInFailures, now: () => 0, maxPerEmail: 3 });
    for (const ip of ['1', '2', '3']) await th.recordFailure('e@x.io', ip);
    assert.ok((await th.retryAfterMs('e@x.io', '4')) > 0);
  });

  it('is shared by every throttle on the same store (the nodes of a cluster)', async () => {
    const nodes = [0, 1].map(
      () => new LoginThrottle({ failures: meta.signInFailures, now: () => 0 }),
    );
    for (let i = 0; i < 5; i++) await nodes[i % 2]?.recordFailure('s@x.io', '9.9.9.9');
    assert.ok(((await nodes[0]?.retryAfterMs('s@x.io', '9.9.9.9')) ?? 0) > 0);
    assert.ok(((await nodes[1]?.retryAfterMs('s@x.io', '9.9.9.9')) ?? 0) > 0);
    await nodes[1]?.recordSuccess('s@x.io', '9.9.9.9');
    assert.equal(await nodes[0]?.retryAfterMs('s@x.io', '9.9.9.9'), 0);
  });

  it('waits until the oldest counted failure leaves the window', () => {
    assert.equal(waitMs([], 1, 100, 0), 0);
    assert.equal(waitMs([10, 20], 3, 100, 50), 0);
    assert.equal(waitMs([10, 20, 30], 3, 100, 50), 60);
    assert.equal(waitMs([10, 20, 30], 2, 100, 50), 70);
    assert.equal(waitMs([10], 1, 100, 500), 0);
  });
});

describe('permissions', () => {
  it('orders roles and nests scopes', () => {
    assert.equal(hasRole('admin', 'member'), true);
    assert.equal(hasRole('viewer', 'member'), false);
    assert.equal(hasRole(null, 'viewer'), false);
    assert.equal(keyHasScope(['admin'], 'read'), true);
    assert.equal(keyHasScope(['read'], 'write'), false);
  });
  it('keeps admins away from owners', () => {
    assert.equal(canManageMember('admin', { currentRole: 'member', newRole: 'admin' }), true);
    assert.equal(canManageMember('admin', { currentRole: 'owner' }), false);
    assert.equal(canManageMember('admin', { currentRole: 'member', newRole: 'owner' }), false);
    assert.equal(canManageMember('owner', { currentRole: 'owner', newRole: 'viewer' }), true);
    assert.equal(canManageMember('member', { currentRole: 'viewer' }), false);
    assert.equal(canGrantRole('admin', 'owner'), false);
    assert.equal(canGrantRole('owner', 'owner'), true);
  });
});

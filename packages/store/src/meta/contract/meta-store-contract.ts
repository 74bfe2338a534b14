import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_GROUPS } from '../default-groups.js';
import { DuplicateError, type MetaStore } from '../meta-store.js';
import { insightsDashboardsCases } from './insights-dashboards-contract.js';
import { segmentsCases } from './segments-contract.js';

/** A clock the suite moves by hand. */
export interface ContractClock {
  now: () => number;
  advance: (ms: number) => void;
}

/**
 * The behaviour every {@link MetaStore} must have. Each case opens a fresh,
 * empty store through `openStore` and closes it after.
 *
 * @example
 * runMetaStoreContract('sqlite', ({ now }) => openSqliteMetaStore({ file: tmpFile(), now }));
 */
export function runMetaStoreContract(
  name: string,
  openStore: (options: { now: () => number }) => Promise<MetaStore>,
): void {
  describe(`MetaStore contract: ${name}`, () => {
    let store: MetaStore;
    let clock: ContractClock;
    beforeEach(async () => {
      let t = 1_700_000_000_000;
      clock = { now: () => t, advance: (ms) => (t += ms) };
      store = await openStore({ now: clock.now });
    });
    afterEach(async () => {
      await store.close();
    });

    insightsDashboardsCases(() => ({ store, clock }));
    segmentsCases(() => ({ store, clock }));

    const user = (email: string, name = email.split('@')[0] ?? email) =>
      store.users.create({ email, name, passwordHash: `hash-of-${email}` });

    it('answers ping', async () => {
      assert.equal(await store.ping(), true);
    });

    it('keeps emails unique whatever their case, and finds users by any case', async () => {
      const u = await user('Ada@Example.com');
      assert.match(u.id, /^usr_[A-Za-z0-9_-]{10,}$/);
      assert.equal(u.email, 'Ada@Example.com');
      await assert.rejects(user('ada@example.COM'), DuplicateError);
      const found = await store.users.byEmail('ADA@example.com');
      assert.equal(found?.id, u.id);
      assert.equal(found?.passwordHash, 'hash-of-Ada@Example.com');
      assert.equal(await store.users.count(), 1);
      await store.users.setPassword(u.id, 'new-hash');
      assert.equal(await store.users.passwordHash(u.id), 'new-hash');
      assert.equal(await store.users.byId('usr_missing'), null);
    });

    it('stores sessions by token hash, expires them and deletes them per user', async () => {
      const u = await user('s@example.com');
      const a = await store.sessions.create({ userId: u.id, ttlMs: 1000 });
      const b = await store.sessions.create({ userId: u.id, ttlMs: 5000 });
      assert.notEqual(a.token, b.token);
      assert.notEqual(a.session.csrfToken, b.session.csrfToken);
      assert.equal((await store.sessions.byToken(a.token))?.id, a.session.id);
      assert.equal(await store.sessions.byToken(`${a.token}x`), null);
      clock.advance(1000);
      assert.equal(await store.sessions.byToken(a.token), null, 'expired');
      await store.sessions.extend(b.session.id, clock.now() + 10_000);
      clock.advance(6000);
      assert.equal((await store.sessions.byToken(b.token))?.id, b.session.id, 'extended');
      const c = await store.sessions.create({ userId: u.id, ttlMs: 5000 });
      assert.equal(await store.sessions.deleteExpired(), 1);
      assert.equal(await store.sessions.deleteForUser(u.id, { exceptSessionId: c.session.id }), 1);
      assert.equal(await store.sessions.byToken(b.token), null);
      assert.equal((await store.sessions.byToken(c.token))?.id, c.session.id);
      await store.sessions.delete(c.session.id);
      assert.equal(await store.sessions.byToken(c.token), null);
    });

    it('creates an organisation with its owner and the default groups of both lines', async () => {
      const u = await user('o@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: u.id });
      assert.match(org.id, /^org_/);
      assert.equal(await store.members.role(org.id, u.id), 'owner');
      const groups = await store.groups.list(org.id);
      assert.deepEqual(
        groups.map((g) => [g.name, g.line]),
        DEFAULT_GROUPS.map((g) => [g.name, g.line]),
      );
      assert.ok(
        groups.some((g) => g.line === 'market') && groups.some((g) => g.line === 'operations'),
      );
      const mine = await store.orgs.listForUser(u.id);
      assert.deepEqual(
        mine.map((o) => [o.id, o.role]),
        [[org.id, 'owner']],
      );
      assert.equal((await store.orgs.first())?.id, org.id);
    });

    it('never demotes or removes the last owner', async () => {
      const a = await user('a@example.com');
      const b = await user('b@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: a.id });
      assert.equal(await store.members.setRole(org.id, a.id, 'admin'), 'last_owner');
      assert.equal(await store.members.remove(org.id, a.id), 'last_owner');
      assert.equal(await store.members.setRole(org.id, b.id, 'admin'), 'not_found');
      await store.members.add({ orgId: org.id, userId: b.id, role: 'member' });
      assert.equal(await store.members.setRole(org.id, b.id, 'owner'), 'ok');
      assert.equal(await store.members.setRole(org.id, a.id, 'viewer'), 'ok');
      assert.equal(await store.members.remove(org.id, b.id), 'last_owner');
      assert.equal(await store.members.remove(org.id, a.id), 'ok');
      assert.deepEqual(
        (await store.members.list(org.id)).map((m) => [m.user.email, m.role]),
        [['b@example.com', 'owner']],
      );
    });

    it('edits groups and keeps their members within the organisation', async () => {
      const a = await user('a@example.com');
      const b = await user('b@example.com');
      const outsider = await user('x@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: a.id });
      await store.members.add({ orgId: org.id, userId: b.id, role: 'member' });
      const g = await store.groups.create({ orgId: org.id, name: 'Growth', line: 'operations' });
      assert.match(g.id, /^grp_/);
      assert.equal(await store.groups.setMembers(g.id, [a.id, outsider.id]), null);
      const set = await store.groups.setMembers(g.id, [b.id, a.id, a.id]);
      assert.deepEqual(set?.memberIds, [a.id, b.id].sort());
      const renamed = await store.groups.update(g.id, { name: 'Growth team', line: 'market' });
      assert.equal(renamed?.name, 'Growth team');
      assert.equal(renamed?.line, 'market');
      await store.members.remove(org.id, b.id);
      assert.deepEqual((await store.groups.byId(g.id))?.memberIds, [a.id]);
      assert.equal(await store.groups.delete(g.id), true);
      assert.equal(await store.groups.delete(g.id), false);
      assert.equal(await store.groups.update(g.id, { name: 'x' }), null);
    });

    it('creates projects with a write key and default settings, and updates them', async () => {
      const u = await user('p@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: u.id });
      const p = await store.projects.create({
        orgId: org.id,
        name: 'Shop',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      assert.match(p.id, /^prj_/);
      assert.match(p.writeKey, /^olw_[A-Za-z0-9_-]{20,}$/);
      assert.deepEqual(p.settings, { botFiltering: true, eventRetentionDays: null });
      clock.advance(10);
      const q = await store.projects.update(p.id, {
        name: 'Shop 2',
        settings: { eventRetentionDays: 90 },
      });
      assert.equal(q?.name, 'Shop 2');
      assert.equal(q?.timezone, 'Asia/Shanghai');
      assert.deepEqual(q?.settings, { botFiltering: true, eventRetentionDays: 90 });
      assert.equal(q?.updatedAt, p.createdAt + 10);
      const r = await store.projects.update(p.id, { settings: { eventRetentionDays: null } });
      assert.equal(r?.settings.eventRetentionDays, null);
      assert.deepEqual(
        (await store.projects.listForOrg(org.id)).map((x) => x.id),
        [p.id],
      );
      assert.equal(await store.projects.update('prj_missing', { name: 'x' }), null);
    });

    it('finds a project by write key, and forgets the old key on rotation and updates', async () => {
      const u = await user('w@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: u.id });
      const p = await store.projects.create({
        orgId: org.id,
        name: 'Shop',
        timezone: 'UTC',
        currency: 'USD',
      });
      assert.equal((await store.projects.byWriteKey(p.writeKey))?.id, p.id);
      assert.equal((await store.projects.byWriteKey(p.writeKey))?.id, p.id, 'cached');
      await store.projects.update(p.id, { settings: { botFiltering: false } });
      assert.equal((await store.projects.byWriteKey(p.writeKey))?.settings.botFiltering, false);
      const rotated = await store.projects.rotateWriteKey(p.id);
      assert.ok(rotated && rotated.writeKey !== p.writeKey);
      assert.equal(await store.projects.byWriteKey(p.writeKey), null);
      assert.equal((await store.projects.byWriteKey(rotated.writeKey))?.id, p.id);
      assert.equal(await store.projects.byWriteKey('olw_unknown'), null);
    });

    it('stores secret keys hashed, authenticates them, records use and revokes', async () => {
      const u = await user('k@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: u.id });
      const p = await store.projects.create({
        orgId: org.id,
        name: 'Shop',
        timezone: 'UTC',
        currency: 'USD',
      });
      const { key, secret } = await store.apiKeys.create({
        projectId: p.id,
        userId: u.id,
        name: 'ci',
        scopes: ['read', 'write'],
      });
      assert.match(key.id, /^key_/);
      assert.match(secret, /^ols_/);
      assert.ok(secret.startsWith(key.prefix) && key.prefix.length < secret.length);
      assert.deepEqual(key.scopes, ['read', 'write']);
      assert.equal(key.lastUsedAt, null);
      clock.advance(5);
      assert.equal((await store.apiKeys.authenticate(secret))?.id, key.id);
      assert.equal((await store.apiKeys.byId(key.id))?.lastUsedAt, clock.now());
      assert.equal(await store.apiKeys.authenticate(`${secret}x`), null);
      assert.deepEqual(
        (await store.apiKeys.listForProject(p.id)).map((k) => k.id),
        [key.id],
      );
      assert.equal(await store.apiKeys.revoke(key.id), true);
      assert.equal(await store.apiKeys.revoke(key.id), false);
      assert.equal(await store.apiKeys.authenticate(secret), null);
      assert.deepEqual(await store.apiKeys.listForProject(p.id), []);
      assert.notEqual((await store.apiKeys.byId(key.id))?.revokedAt, null);
    });

    it('accepts an invitation once, before it expires, adding the membership', async () => {
      const owner = await user('o@example.com');
      const joiner = await user('j@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: owner.id });
      const { invitation, token } = await store.invitations.create({
        orgId: org.id,
        email: 'j@example.com',
        role: 'member',
        invitedBy: owner.id,
        ttlMs: 1000,
      });
      assert.equal((await store.invitations.byToken(token))?.id, invitation.id);
      assert.equal(await store.invitations.byToken('inv_nope'), null);
      assert.deepEqual(
        (await store.invitations.listPending(org.id)).map((i) => i.id),
        [invitation.id],
      );
      assert.equal(await store.invitations.accept(invitation.id, joiner.id), true);
      assert.equal(await store.invitations.accept(invitation.id, joiner.id), false);
      assert.equal(await store.members.role(org.id, joiner.id), 'member');
      assert.deepEqual(await store.invitations.listPending(org.id), []);

      const late = await store.invitations.create({
        orgId: org.id,
        email: 'late@example.com',
        role: 'viewer',
        invitedBy: null,
        ttlMs: 1000,
      });
      clock.advance(1000);
      assert.equal(await store.invitations.accept(late.invitation.id, joiner.id), false);
      assert.equal(await store.invitations.delete(late.invitation.id), true);
      assert.equal(await store.invitations.byId(late.invitation.id), null);
    });

    it('lists the audit log newest first, page by page', async () => {
      const u = await user('a@example.com');
      const org = await store.orgs.create({ name: 'Acme', ownerUserId: u.id });
      const other = await store.orgs.create({ name: 'Other', ownerUserId: u.id });
      for (let i = 0; i < 5; i++) {
        await store.audit.append({
          orgId: org.id,
          projectId: null,
          actorUserId: u.id,
          actorKeyId: null,
          action: `thing.${i}`,
          target: `t${i}`,
          details: { i },
        });
        if (i % 2 === 0) clock.advance(1); // some entries share a millisecond
      }
      await store.audit.append({
        orgId: other.id,
        projectId: null,
        actorUserId: u.id,
        actorKeyId: null,
        action: 'elsewhere',
        target: null,
        details: {},
      });
      const first = await store.audit.list(org.id, { limit: 2 });
      assert.deepEqual(
        first.map((e) => e.action),
        ['thing.4', 'thing.3'],
      );
      assert.deepEqual(first[0]?.details, { i: 4 });
      const second = await store.audit.list(org.id, { limit: 10, before: first[1]?.id ?? '' });
      assert.deepEqual(
        second.map((e) => e.action),
        ['thing.2', 'thing.1', 'thing.0'],
      );
    });

    it('keeps failed sign-ins per key, answers those in a window and forgets them', async () => {
      const f = store.signInFailures;
      await f.record(['a@x.test\n1.2.3.4', 'a@x.test\n*'], 1000, 0);
      await f.record(['a@x.test\n5.6.7.8', 'a@x.test\n*'], 2000, 0);
      await f.record(['b@x.test\n*'], 3000, 0);
      const got = await f.since(['a@x.test\n*', 'a@x.test\n1.2.3.4', 'c@x.test\n*'], 1500);
      assert.deepEqual(Object.fromEntries(got), { 'a@x.test\n*': [2000] });
      const all = await f.since(['a@x.test\n*'], 0);
      assert.deepEqual(all.get('a@x.test\n*'), [1000, 2000]);
      await f.clear('a@x.test\n*');
      assert.equal((await f.since(['a@x.test\n*'], 0)).size, 0);
      assert.deepEqual((await f.since(['a@x.test\n5.6.7.8'], 0)).get('a@x.test\n5.6.7.8'), [2000]);
      // Recording forgets what fell out of every window.
      await f.record(['c@x.test\n*'], 10_000, 2500);
      assert.equal((await f.since(['a@x.test\n5.6.7.8'], 0)).size, 0);
      assert.deepEqual((await f.since(['b@x.test\n*'], 0)).get('b@x.test\n*'), [3000]);
    });

    it('gives a job lease to one holder until it expires or is released', async () => {
      const l = store.jobLeases;
      assert.equal(await l.acquire('segments', 'a', 1000, 100), true);
      assert.equal(await l.acquire('segments', 'b', 1050, 100), false, 'held by a');
      assert.equal(await l.acquire('other-job', 'b', 1050, 100), true, 'leases are per job');
      assert.equal(await l.acquire('segments', 'a', 1090, 100), true, 'a renews');
      assert.equal(await l.acquire('segments', 'b', 1150, 100), false, 'renewed until 1190');
      assert.equal(await l.acquire('segments', 'b', 1190, 100), true, 'expired: b takes over');
      assert.equal(await l.acquire('segments', 'a', 1200, 100), false);
      await l.release('segments', 'a'); // not a's to release
      assert.equal(await l.acquire('segments', 'a', 1200, 100), false);
      await l.release('segments', 'b');
      assert.equal(await l.acquire('segments', 'a', 1200, 100), true, 'released');
      const race = await Promise.all(
        ['x', 'y', 'z'].map((holder) => l.acquire('raced', holder, 5000, 100)),
      );
      assert.equal(race.filter(Boolean).length, 1, 'one of three concurrent holders wins');
    });

    it('enforces foreign keys', async () => {
      const u = await user('fk@example.com');
      // Foreign keys are enforced: a membership for an unknown org is refused.
      await assert.rejects(
        store.members.add({ orgId: 'org_missing', userId: u.id, role: 'viewer' }),
      );
    });
  });
}

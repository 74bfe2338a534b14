import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type SessionCredentials, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe('organisation administration over HTTP', () => {
  let server: TestServer;
  let t: Tenant;
  before(async () => {
    server = await startTestServer({ OPSLOOP_PUBLIC_URL: 'https://ops.example.com' });
    t = await makeTenant(server.ctx, server.url, 'adm');
  });
  after(async () => {
    await server.dispose();
  });

  async function as(
    who: SessionCredentials | string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> =
      typeof who === 'string'
        ? { authorization: `Bearer ${who}` }
        : { cookie: who.cookie, 'x-csrf-token': who.csrfToken };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  it('lets admins manage members but not owners, and keeps the last owner', async () => {
    const { owner, admin, member } = t.sessions;
    const base = `/api/orgs/${t.orgId}/members`;
    assert.equal(
      (await as(admin, 'PATCH', `${base}/${member.userId}`, { role: 'admin' })).status,
      200,
    );
    assert.equal(
      (await as(admin, 'PATCH', `${base}/${member.userId}`, { role: 'owner' })).status,
      403,
    );
    assert.equal((await as(admin, 'DELETE', `${base}/${owner.userId}`)).status, 403);
    assert.equal(
      (await as(owner, 'PATCH', `${base}/${owner.userId}`, { role: 'admin' })).status,
      409,
    );
    assert.equal((await as(owner, 'DELETE', `${base}/${owner.userId}`)).status, 409);
    assert.equal(
      (await as(owner, 'PATCH', `${base}/${member.userId}`, { role: 'boss' })).status,
      400,
    );
    assert.equal((await as(owner, 'PATCH', `${base}/usr_nobody`, { role: 'viewer' })).status, 404);
    assert.equal(
      (await as(owner, 'PATCH', `${base}/${member.userId}`, { role: 'member' })).status,
      200,
    );
    const list = await as(t.sessions.viewer, 'GET', base);
    assert.equal((list.body['members'] as unknown[]).length, 4);
  });

  it('edits groups of both lines and their members', async () => {
    const { admin, member } = t.sessions;
    const base = `/api/orgs/${t.orgId}/groups`;
    const groups = (await as(member, 'GET', base)).body['groups'] as { line: string }[];
    assert.equal(groups.filter((g) => g.line === 'market').length, 6);
    assert.equal(groups.filter((g) => g.line === 'operations').length, 4);
    const created = await as(admin, 'POST', base, { name: 'Community', line: 'operations' });
    assert.equal(created.status, 201);
    const id = created.body['id'] as string;
    assert.equal((await as(admin, 'PATCH', `${base}/${id}`, {})).status, 400);
    assert.equal((await as(admin, 'PATCH', `${base}/${id}`, { line: 'sales' })).status, 400);
    assert.equal(
      (await as(admin, 'PATCH', `${base}/${id}`, { name: 'Communities' })).body['name'],
      'Communities',
    );
    const set = await as(admin, 'PUT', `${base}/${id}/members`, { userIds: [member.userId] });
    assert.deepEqual(set.body['memberIds'], [member.userId]);
    assert.equal(
      (await as(admin, 'PUT', `${base}/${id}/members`, { userIds: ['usr_x'] })).status,
      400,
    );
    assert.equal((await as(admin, 'DELETE', `${base}/${id}`)).status, 204);
    assert.equal((await as(admin, 'DELETE', `${base}/${id}`)).status, 404);
  });

  it('invites by email; the invitee creates an account, or joins when signed in', async () => {
    const { admin, owner } = t.sessions;
    const base = `/api/orgs/${t.orgId}/invitations`;
    assert.equal((await as(admin, 'POST', base, { email: 'o@x.io', role: 'owner' })).status, 403);
    assert.equal(
      (await as(admin, 'POST', base, { email: 'not-an-email', role: 'member' })).status,
      400,
    );
    const inv = await as(admin, 'POST', base, { email: 'New@x.io', role: 'member' });
    assert.equal(inv.status, 201);
    const url = inv.body['url'] as string;
    assert.match(url, /^https:\/\/ops\.example\.com\/invite\/inv_/);
    const token = url.split('/').pop() ?? '';
    const info = await fetch(`${server.url}/api/invitations/${token}`);
    assert.deepEqual(await info.json(), {
      orgName: 'Org adm',
      role: 'member',
      email: 'New@x.io',
      expiresAt: (inv.body['invitation'] as { expiresAt: number }).expiresAt,
    });
    const noPassword = await fetch(`${server.url}/api/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'New' }),
    });
    assert.equal(noPassword.status, 400);
    const accepted = await fetch(`${server.url}/api/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'New', password: 'new-password' }),
    });
    assert.equal(accepted.status, 200);
    const cookie = (accepted.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = (await (
      await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })
    ).json()) as {
      organizations: { id: string; role: string }[];
    };
    assert.deepEqual(
      me.organizations.map((o) => [o.id, o.role]),
      [[t.orgId, 'member']],
    );
    const again = await fetch(`${server.url}/api/invitations/${token}`);
    assert.equal(again.status, 404, 'used once');

    // Signed in (as another org's owner), the invitation just joins.
    const other = await makeTenant(server.ctx, server.url, 'oth');
    const inv2 = await as(owner, 'POST', base, { email: 'viewer@oth.test', role: 'viewer' });
    const token2 = (inv2.body['url'] as string).split('/').pop() ?? '';
    const joined = await as(other.sessions.viewer, 'POST', `/api/invitations/${token2}/accept`, {});
    assert.equal(joined.status, 200);
    assert.equal(joined.body['orgId'], t.orgId);
    const pending = await as(admin, 'GET', base);
    assert.ok(Array.isArray(pending.body['invitations']));
    assert.equal((await as(admin, 'DELETE', `${base}/${t.invitationId}`)).status, 204);
  });

  it('creates and updates projects with validated timezone, currency and settings', async () => {
    const { admin, member } = t.sessions;
    const base = `/api/orgs/${t.orgId}/projects`;
    assert.equal((await as(member, 'POST', base, { name: 'Nope' })).status, 403);
    const bad = await as(admin, 'POST', base, { name: 'X', timezone: 'Mars/Base' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /IANA/);
    assert.equal((await as(admin, 'POST', base, { name: 'X', currency: 'XXY' })).status, 400);
    const created = await as(admin, 'POST', base, {
      name: 'Shop',
      timezone: 'Asia/Shanghai',
      currency: 'cny',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body['currency'], 'CNY');
    assert.deepEqual(created.body['settings'], { botFiltering: true, eventRetentionDays: null });
    const pid = created.body['id'] as string;
    const patched = await as(admin, 'PATCH', `/api/projects/${pid}`, {
      botFiltering: false,
      eventRetentionDays: 30,
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body['settings'], { botFiltering: false, eventRetentionDays: 30 });
    assert.match(patched.body['writeKey'] as string, /^olw_/);
    assert.equal(
      (await as(admin, 'PATCH', `/api/projects/${pid}`, { eventRetentionDays: -1 })).status,
      400,
    );
    assert.equal(
      (await as(admin, 'PATCH', `/api/projects/${pid}`, { writeKey: 'olw_mine' })).status,
      400,
    );
    assert.equal((await as(member, 'PATCH', `/api/projects/${pid}`, { name: 'M' })).status, 403);
    const rotated = await as(admin, 'POST', `/api/projects/${pid}/write-key/rotate`);
    assert.notEqual(rotated.body['writeKey'], patched.body['writeKey']);
    assert.equal(
      await server.ctx.meta.projects.byWriteKey(patched.body['writeKey'] as string),
      null,
    );
  });

  it('shows a secret once, lists keys without it, and revokes', async () => {
    const { admin } = t.sessions;
    const base = `/api/projects/${t.project.id}/keys`;
    const created = await as(admin, 'POST', base, { name: 'etl', scopes: ['read', 'read'] });
    assert.equal(created.status, 201);
    const secret = created.body['secret'] as string;
    const key = created.body['key'] as { id: string; scopes: string[]; prefix: string };
    assert.deepEqual(key.scopes, ['read']);
    assert.ok(secret.startsWith(key.prefix));
    assert.equal((await as(admin, 'POST', base, { name: 'x', scopes: ['root'] })).status, 400);
    assert.equal((await as(admin, 'POST', base, { name: 'x', scopes: [] })).status, 400);
    const list = await as(admin, 'GET', base);
    assert.ok(!JSON.stringify(list.body).includes(secret));
    assert.equal((await as(secret, 'GET', `/api/projects/${t.project.id}`)).status, 200);
    assert.equal((await as(admin, 'DELETE', `${base}/${key.id}`)).status, 204);
    assert.equal((await as(secret, 'GET', `/api/projects/${t.project.id}`)).status, 401);
  });

  it('records administrative acts in the audit log, newest first, page by page', async () => {
    const { owner, member } = t.sessions;
    const base = `/api/orgs/${t.orgId}/audit`;
    assert.equal((await as(member, 'GET', base)).status, 403);
    const page = await as(owner, 'GET', `${base}?limit=3`);
    const entries = page.body['entries'] as { action: string; at: number }[];
    assert.equal(entries.length, 3);
    assert.equal(entries[0]?.action, 'key.revoke');
    const actions = new Set<string>();
    let before = page.body['nextBefore'] as string | null;
    for (const e of entries) actions.add(e.action);
    while (before) {
      const next = await as(owner, 'GET', `${base}?limit=50&before=${before}`);
      for (const e of next.body['entries'] as { action: string }[]) actions.add(e.action);
      before = next.body['nextBefore'] as string | null;
    }
    for (const a of [
      'member.role',
      'group.create',
      'invitation.create',
      'invitation.accept',
      'project.create',
      'project.update',
      'project.write_key.rotate',
      'key.create',
    ]) {
      assert.ok(actions.has(a), a);
    }
    assert.equal((await as(owner, 'GET', `${base}?limit=0`)).status, 400);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiRoutes } from '../app.js';
import type { RouteDef } from '../http/route.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { makeTenant, type SessionCredentials, type Tenant } from './test-tenants.js';

/**
 * Every route of `apiRoutes(ctx)` — including ones added later — is called
 * with one tenant's credentials against the other's ids, with write keys,
 * without credentials and with under-scoped keys. None may succeed or crash.
 */
describe('isolation matrix', () => {
  let server: TestServer;
  let a: Tenant;
  let b: Tenant;
  let routes: RouteDef[];
  before(async () => {
    server = await startTestServer();
    a = await makeTenant(server.ctx, server.url, 'a');
    b = await makeTenant(server.ctx, server.url, 'b');
    routes = apiRoutes(server.ctx).filter((r) => r.url.startsWith('/api/'));
  });
  after(async () => {
    await server.dispose();
  });

  /** Fills path parameters with the target tenant's real ids. */
  function pathFor(route: RouteDef, target: Tenant): string {
    const values: Record<string, string> = {
      orgId: target.orgId,
      projectId: target.project.id,
      userId: target.sessions.member.userId,
      groupId: target.groupId,
      invitationId: target.invitationId,
      keyId: target.keyId,
      token: 'inv_not-a-real-token',
    };
    return route.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => values[name] ?? `x-${name}`);
  }

  /** A minimal body the route would accept, so refusals come from authorization. */
  function bodyFor(route: RouteDef): unknown {
    if (!route.body) return undefined;
    const u = route.url;
    if (u.endsWith('/members/:userId')) return { role: 'viewer' };
    if (u.endsWith('/groups/:groupId/members')) return { userIds: [] };
    if (u.endsWith('/groups') || u.endsWith('/groups/:groupId'))
      return { name: 'G', line: 'market' };
    if (u.endsWith('/invitations')) return { email: 'x@example.com', role: 'viewer' };
    if (u.endsWith('/keys')) return { name: 'k', scopes: ['read'] };
    if (u.endsWith('/projects') || u.endsWith('/projects/:projectId')) return { name: 'P' };
    if (u === '/api/orgs') return { name: 'O' };
    if (u === '/api/auth/login') return { email: 'nobody@example.com', password: 'wrong-password' };
    if (u === '/api/auth/password') return { currentPassword: 'x', newPassword: 'yyyyyyyy' };
    return {};
  }

  async function call(
    route: RouteDef,
    target: Tenant,
    credentials: { session?: SessionCredentials; bearer?: string },
  ): Promise<number> {
    const headers: Record<string, string> = {};
    const body = bodyFor(route);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (credentials.session) {
      headers['cookie'] = credentials.session.cookie;
      headers['x-csrf-token'] = credentials.session.csrfToken;
    }
    if (credentials.bearer) headers['authorization'] = `Bearer ${credentials.bearer}`;
    const res = await fetch(`${server.url}${pathFor(route, target)}`, {
      method: route.method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    await res.arrayBuffer();
    return res.status;
  }

  const scoped = (r: RouteDef) => r.url.includes(':projectId') || r.url.includes(':orgId');

  it('covers the routes that carry tenant ids', () => {
    assert.ok(routes.filter(scoped).length >= 20, `only ${routes.filter(scoped).length} routes`);
  });

  it("refuses every tenant-scoped route to another tenant's sessions and keys", async () => {
    const failures: string[] = [];
    for (const route of routes.filter(scoped)) {
      const attempts: [string, { session?: SessionCredentials; bearer?: string }][] = [
        ...Object.entries(a.sessions).map(
          ([role, s]) =>
            [`A ${role} session`, { session: s }] as [string, { session: SessionCredentials }],
        ),
        ...Object.entries(a.keys).map(
          ([scope, k]) => [`A ${scope} key`, { bearer: k }] as [string, { bearer: string }],
        ),
      ];
      for (const [who, creds] of attempts) {
        const status = await call(route, b, creds);
        if (![401, 403, 404].includes(status))
          failures.push(`${route.method} ${route.url} as ${who}: ${status}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('refuses a write key on every /api route, public ones included', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const status = await call(route, a, { bearer: a.project.writeKey });
      if (status !== 401) failures.push(`${route.method} ${route.url}: ${status}`);
    }
    assert.deepEqual(failures, []);
  });

  it('answers 401 without credentials on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access.kind !== 'public')) {
      const status = await call(route, a, {});
      if (status !== 401) failures.push(`${route.method} ${route.url}: ${status}`);
    }
    assert.deepEqual(failures, []);
  });

  it('never lets a read key or a viewer mutate, and keeps keys off org and user routes', async () => {
    const failures: string[] = [];
    // A POST that only reads (an analytics query) declares a `read` scope; the rule, not the
    // method, says what a route does.
    const readsOnly = (r: (typeof routes)[number]) =>
      r.method === 'GET' ||
      (r.access.kind === 'project' && r.access.scope === 'read' && r.access.role === undefined);
    const mutations = routes.filter((r) => !readsOnly(r) && r.access.kind !== 'public');
    for (const route of mutations) {
      const status = await call(route, a, { bearer: a.keys.read });
      if (status !== 403) failures.push(`${route.method} ${route.url} as read key: ${status}`);
    }
    // Viewers read their org and projects; what they do to themselves (user routes) is theirs.
    for (const route of mutations.filter((r) => r.access.kind !== 'user')) {
      const status = await call(route, a, { session: a.sessions.viewer });
      if (status !== 403) failures.push(`${route.method} ${route.url} as viewer: ${status}`);
    }
    for (const route of routes.filter((r) => r.access.kind === 'org' || r.access.kind === 'user')) {
      const status = await call(route, a, { bearer: a.keys.admin });
      if (status !== 403) failures.push(`${route.method} ${route.url} with admin key: ${status}`);
    }
    assert.deepEqual(failures, []);
  });

  it("lets each tenant's own credentials through (the matrix is not refusing everything)", async () => {
    const read = routes.find((r) => r.method === 'GET' && r.url === '/api/projects/:projectId');
    assert.ok(read);
    assert.equal(await call(read, a, { bearer: a.keys.read }), 200);
    assert.equal(await call(read, a, { session: a.sessions.viewer }), 200);
    assert.equal(await call(read, b, { session: b.sessions.viewer }), 200);
    const members = routes.find((r) => r.method === 'GET' && r.url === '/api/orgs/:orgId/members');
    assert.ok(members);
    assert.equal(await call(members, a, { session: a.sessions.viewer }), 200);
  });

  it('requires the CSRF token for cookie mutations but not for bearer keys', async () => {
    const patch = `${server.url}/api/projects/${a.project.id}`;
    const noToken = await fetch(patch, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie: a.sessions.owner.cookie },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    assert.equal(noToken.status, 403);
    assert.equal(((await noToken.json()) as { error: { code: string } }).error.code, 'csrf_failed');
    const withKey = await fetch(patch, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.keys.admin}` },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    assert.equal(withKey.status, 200);
  });
});

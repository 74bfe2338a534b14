import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { DEMO_EMAIL, ensureDemoWorkspace } from './demo-workspace.js';

describe('ensureDemoWorkspace', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.dispose();
  });

  it('creates the demo org, project and owner once, and prints the same password later', async () => {
    const seeded: string[] = [];
    const first = await ensureDemoWorkspace(server.ctx, {
      seedDemoEvents: async ({ projectId }) => {
        seeded.push(projectId);
      },
    });
    assert.equal(first.created, true);
    assert.equal(first.email, DEMO_EMAIL);
    assert.ok(first.password && first.password.length >= 12);
    assert.deepEqual(seeded, [first.projectId]);
    const file = join(server.dataDir, 'demo-credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const project = await server.ctx.meta.projects.byId(first.projectId ?? '');
    assert.equal(project?.name, 'Demo Shop');
    assert.equal(project?.timezone, 'Asia/Shanghai');
    assert.equal(project?.currency, 'CNY');
    assert.equal(first.writeKey, project?.writeKey);

    const again = await ensureDemoWorkspace(server.ctx, {
      seedDemoEvents: async () => {
        seeded.push('again');
      },
    });
    assert.equal(again.created, false);
    assert.equal(again.password, first.password);
    assert.equal(again.projectId, first.projectId);
    assert.deepEqual(seeded, [first.projectId], 'seeds only on creation');

    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password: first.password }),
    });
    assert.equal(login.status, 200);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPostgresMetaStore } from '@opsloop/store';
import {
  POSTGRES_MISSING,
  postgresSkipReason,
  type RunningPostgres,
  startPostgres,
} from '@opsloop/store/testing/postgres/start-postgres';
import { createUser } from '../accounts/create-user.js';
import { ConfigError } from '../config/config.js';
import { signIn } from '../security/test-tenants.js';
import { startTestServer } from '../testing/test-server.js';

const skip = postgresSkipReason();
let pg: RunningPostgres | undefined;
before(async () => {
  if (!skip) pg = await startPostgres();
});
after(() => pg?.stop());
const fresh = () => {
  if (!pg) throw new Error(POSTGRES_MISSING);
  return pg.createDatabase();
};

describe('server on PostgreSQL (OPSLOOP_DATABASE_URL)', { skip }, () => {
  it('signs in and creates an organisation and a project, stored in PostgreSQL', async () => {
    const url = await fresh();
    const server = await startTestServer({ OPSLOOP_DATABASE_URL: url });
    try {
      await createUser(server.ctx.meta, {
        email: 'ann@example.com',
        name: 'Ann',
        password: 'ann-password',
      });
      const { cookie, csrfToken } = await signIn(server.url, 'ann@example.com', 'ann-password');
      const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken };
      const org = await fetch(`${server.url}/api/orgs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Ann Co' }),
      });
      assert.equal(org.status, 201);
      const { id: orgId } = (await org.json()) as { id: string };
      const project = await fetch(`${server.url}/api/orgs/${orgId}/projects`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Shop', timezone: 'Asia/Shanghai', currency: 'cny' }),
      });
      assert.equal(project.status, 201);
      const created = (await project.json()) as { id: string; writeKey: string; currency: string };
      assert.equal(created.currency, 'CNY');
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200, await ready.text());

      // Another node reading the same database sees what this one wrote.
      const otherNode = await openPostgresMetaStore({ url });
      try {
        assert.equal((await otherNode.users.byEmail('ANN@example.com'))?.name, 'Ann');
        assert.equal((await otherNode.projects.byWriteKey(created.writeKey))?.id, created.id);
        assert.deepEqual(
          (
            await otherNode.orgs.listForUser(
              (await otherNode.users.byEmail('ann@example.com'))?.id ?? '',
            )
          ).map((o) => [o.name, o.role]),
          [['Ann Co', 'owner']],
        );
      } finally {
        await otherNode.close();
      }
    } finally {
      await server.dispose();
    }
  });

  it('refuses to start, naming the variable, when the database cannot be reached', async () => {
    const url = await fresh();
    const unreachable = url.replace(/:(\d+)\//, ':1/');
    const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-pg-unreachable-'));
    after(() => rmSync(dataDir, { recursive: true, force: true }));
    const start = startTestServer({ OPSLOOP_DATABASE_URL: unreachable }, { dataDir });
    await assert.rejects(start, (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, /OPSLOOP_DATABASE_URL/);
      return true;
    });
  });
});

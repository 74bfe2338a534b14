import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { personUuid, writeWorld } from '../people/test-world.js';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { enforceRetention } from './retention-job.js';

const DAY = 86_400_000;

describe('event retention', () => {
  let server: TestServer;
  let limited: Tenant;
  let unlimited: Tenant;
  const now = Date.now();
  before(async () => {
    server = await startTestServer();
    limited = await makeTenant(server.ctx, server.url, 'ret');
    unlimited = await makeTenant(server.ctx, server.url, 'unl');
    await server.ctx.meta.projects.update(limited.project.id, {
      settings: { eventRetentionDays: 30 },
    });
    for (const t of [limited, unlimited])
      await writeWorld(server.ctx, t.project.id, {
        persons: [{ id: personUuid(0), distinctIds: ['a'], properties: {} }],
        events: [
          { person: 0, event: 'old', at: now - 31 * DAY },
          { person: 0, event: 'recent', at: now - 29 * DAY },
        ],
      });
  });
  after(async () => {
    await server.dispose();
  });

  const names = async (projectId: string) =>
    (
      await server.ctx.events.execute<{ event: string }>({
        sql: 'SELECT event FROM events WHERE project_id = $1 ORDER BY event',
        parameters: [projectId],
      })
    ).map((r) => r.event);

  it('deletes only events older than the project’s limit, and only in that project', async () => {
    const deleted = await enforceRetention(server.ctx);
    assert.deepEqual([...deleted.entries()], [[limited.project.id, 1]]);
    assert.deepEqual(await names(limited.project.id), ['recent']);
    assert.deepEqual(await names(unlimited.project.id), ['old', 'recent']);
    assert.equal((await enforceRetention(server.ctx)).size, 0, 'nothing left to delete');
  });
});

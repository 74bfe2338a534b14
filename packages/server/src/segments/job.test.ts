import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTenant, type Tenant } from '../security/test-tenants.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { peopleJobsOf } from './job.js';

describe('people jobs', () => {
  let server: TestServer;
  let t: Tenant;
  before(async () => {
    server = await startTestServer();
    t = await makeTenant(server.ctx, server.url, 'jobs');
  });
  after(async () => {
    await server.dispose();
  });

  it('run only in the node that holds their lease', async () => {
    const { ctx } = server;
    const jobs = peopleJobsOf(ctx);
    assert.ok(jobs, 'the server started its jobs');
    const segment = await ctx.meta.segments.create({
      projectId: t.project.id,
      name: 'Buyers',
      kind: 'dynamic',
      filter: { performed: 'purchase', within: { days: 30 } },
    });
    // Another node holds the lease: this one's round does nothing.
    assert.equal(
      await ctx.meta.jobLeases.acquire('people-jobs', 'node-b', ctx.now(), 3_600_000),
      true,
    );
    await jobs.runOnce();
    assert.equal((await ctx.meta.segments.byId(segment.id))?.computedAt, null);
    // It stops (releasing the lease): the next round here computes the segment.
    await ctx.meta.jobLeases.release('people-jobs', 'node-b');
    await jobs.runOnce();
    assert.notEqual((await ctx.meta.segments.byId(segment.id))?.computedAt, null);
  });
});

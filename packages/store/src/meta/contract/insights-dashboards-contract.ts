import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MetaStore } from '../meta-store.js';
import type { ContractClock } from './meta-store-contract.js';

/**
 * Saved insights and dashboards, as every {@link MetaStore} keeps them. Runs
 * inside `runMetaStoreContract`'s describe, on the store of each case.
 */
export function insightsDashboardsCases(
  get: () => { store: MetaStore; clock: ContractClock },
): void {
  async function project(label: string) {
    const { store } = get();
    const user = await store.users.create({
      email: `${label}@example.com`,
      name: label,
      passwordHash: 'h',
    });
    const org = await store.orgs.create({ name: label, ownerUserId: user.id });
    const p = await store.projects.create({
      orgId: org.id,
      name: label,
      timezone: 'UTC',
      currency: 'USD',
    });
    return { user, project: p };
  }
  const query = { kind: 'trends', series: [{ event: 'signup', math: 'total' }] };

  it('saves, lists (newest change first), updates and deletes insights per project', async () => {
    const { store, clock } = get();
    const { user, project: p } = await project('ins');
    const other = await project('other');
    const a = await store.insights.create({
      projectId: p.id,
      name: 'Signups',
      query,
      display: { chart: 'line', rollingDays: 30 },
      createdBy: user.id,
    });
    assert.match(a.id, /^ins_/);
    assert.equal(a.description, '');
    assert.deepEqual(a.query, query);
    assert.deepEqual(a.display, { chart: 'line', rollingDays: 30 });
    assert.equal(a.createdBy, user.id);
    clock.advance(10);
    const b = await store.insights.create({
      projectId: p.id,
      name: 'Buyers',
      description: 'who paid',
      query: { ...query, interval: 'week' },
      display: {},
      createdBy: null,
    });
    await store.insights.create({
      projectId: other.project.id,
      name: 'Elsewhere',
      query,
      display: {},
      createdBy: null,
    });
    assert.deepEqual(
      (await store.insights.listForProject(p.id)).map((i) => i.name),
      ['Buyers', 'Signups'],
    );
    clock.advance(10);
    const renamed = await store.insights.update(a.id, { name: 'New signups' });
    assert.equal(renamed?.name, 'New signups');
    assert.deepEqual(renamed?.query, query, 'fields not in the patch are kept');
    assert.equal(renamed?.updatedAt, a.createdAt + 20);
    assert.deepEqual(
      (await store.insights.listForProject(p.id)).map((i) => i.id),
      [a.id, b.id],
    );
    const redisplayed = await store.insights.update(b.id, { display: { chart: 'bar' } });
    assert.deepEqual(redisplayed?.display, { chart: 'bar' });
    assert.equal(redisplayed?.description, 'who paid');
    assert.equal(await store.insights.update('ins_missing', { name: 'x' }), null);
    assert.equal(await store.insights.delete(b.id), true);
    assert.equal(await store.insights.delete(b.id), false);
    assert.equal(await store.insights.byId(b.id), null);
    assert.equal((await store.insights.byId(a.id))?.name, 'New signups');
  });

  it('keeps dashboards in creation order with tiles in their order', async () => {
    const { store, clock } = get();
    const { user, project: p } = await project('dash');
    const i1 = await store.insights.create({
      projectId: p.id,
      name: 'One',
      query,
      display: {},
      createdBy: user.id,
    });
    const i2 = await store.insights.create({
      projectId: p.id,
      name: 'Two',
      query,
      display: {},
      createdBy: user.id,
    });
    const d1 = await store.dashboards.create({ projectId: p.id, name: 'Main', createdBy: user.id });
    assert.match(d1.id, /^dsh_/);
    assert.deepEqual(d1.tiles, []);
    clock.advance(1);
    const d2 = await store.dashboards.create({
      projectId: p.id,
      name: 'Growth',
      description: 'weekly',
      tiles: [{ insightId: i1.id, width: 2 }],
      createdBy: null,
    });
    assert.deepEqual(
      (await store.dashboards.listForProject(p.id)).map((d) => d.name),
      ['Main', 'Growth'],
    );
    const tiles = [
      { insightId: i2.id, width: 1 as const },
      { insightId: i1.id, width: 2 as const },
    ];
    const moved = await store.dashboards.update(d1.id, { tiles });
    assert.deepEqual(moved?.tiles, tiles);
    assert.equal(moved?.name, 'Main');
    assert.deepEqual((await store.dashboards.byId(d1.id))?.tiles, tiles);
    const renamed = await store.dashboards.update(d2.id, { name: 'Growth loop' });
    assert.equal(renamed?.description, 'weekly');
    assert.deepEqual(renamed?.tiles, [{ insightId: i1.id, width: 2 }]);

    // Deleting an insight takes its tiles off every dashboard of the project.
    assert.equal(await store.insights.delete(i1.id), true);
    assert.deepEqual((await store.dashboards.byId(d1.id))?.tiles, [{ insightId: i2.id, width: 1 }]);
    assert.deepEqual((await store.dashboards.byId(d2.id))?.tiles, []);

    assert.equal(await store.dashboards.update('dsh_missing', { name: 'x' }), null);
    assert.equal(await store.dashboards.delete(d2.id), true);
    assert.equal(await store.dashboards.delete(d2.id), false);
    assert.deepEqual(
      (await store.dashboards.listForProject(p.id)).map((d) => d.id),
      [d1.id],
    );
  });
}

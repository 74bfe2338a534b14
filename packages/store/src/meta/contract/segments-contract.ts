import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MetaStore } from '../meta-store.js';
import type { ContractClock } from './meta-store-contract.js';

/**
 * Segments, their membership change log and sizes, and people settings, as
 * every {@link MetaStore} keeps them. Runs inside `runMetaStoreContract`.
 */
export function segmentsCases(get: () => { store: MetaStore; clock: ContractClock }): void {
  async function project(label: string, settings?: { eventRetentionDays: number }) {
    const { store } = get();
    const user = await store.users.create({
      email: `${label}@seg.example`,
      name: label,
      passwordHash: 'h',
    });
    const org = await store.orgs.create({ name: label, ownerUserId: user.id });
    return store.projects.create({
      orgId: org.id,
      name: label,
      timezone: 'UTC',
      currency: 'USD',
      ...(settings ? { settings } : {}),
    });
  }
  const filter = { performed: 'purchase', within: { days: 30 } };

  it('saves dynamic and static segments per project, updates and deletes them', async () => {
    const { store, clock } = get();
    const p = await project('sega');
    const other = await project('segb');
    const dyn = await store.segments.create({
      projectId: p.id,
      name: 'Buyers',
      kind: 'dynamic',
      filter,
    });
    assert.match(dyn.id, /^seg_/);
    assert.deepEqual(dyn.filter, filter);
    assert.equal(dyn.computedAt, null);
    assert.equal(dyn.size, 0);
    const st = await store.segments.create({
      projectId: p.id,
      name: 'VIP',
      description: 'from a CSV',
      kind: 'static',
      filter: null,
      members: ['p2', 'p1', 'p1'],
    });
    assert.equal(st.size, 2);
    assert.equal(st.computedAt, clock.now());
    assert.deepEqual(await store.segments.members(st.id, { limit: 10 }), ['p1', 'p2']);
    assert.deepEqual(
      (await store.segments.listForProject(p.id)).map((s) => s.name),
      ['Buyers', 'VIP'],
    );
    assert.deepEqual(await store.segments.listForProject(other.id), []);
    assert.deepEqual(
      (await store.segments.listDynamic()).map((s) => s.id),
      [dyn.id],
    );
    clock.advance(10);
    const renamed = await store.segments.update(dyn.id, {
      name: 'Repeat buyers',
      filter: { ...filter, times: { op: 'gte', value: 2 } },
    });
    assert.equal(renamed?.name, 'Repeat buyers');
    assert.deepEqual(renamed?.filter, { ...filter, times: { op: 'gte', value: 2 } });
    assert.equal(renamed?.updatedAt, clock.now());
    assert.equal(await store.segments.update('seg_missing', { name: 'x' }), null);
    assert.equal(await store.segments.delete(st.id), true);
    assert.equal(await store.segments.delete(st.id), false);
    assert.equal(await store.segments.byId(st.id), null);
    assert.deepEqual(await store.segments.members(st.id, { limit: 10 }), []);
  });

  it('logs who entered and left at each computation, and the size over time', async () => {
    const { store, clock } = get();
    const p = await project('segc');
    const s = await store.segments.create({
      projectId: p.id,
      name: 'S',
      kind: 'dynamic',
      filter,
    });
    const t1 = clock.now();
    assert.deepEqual(await store.segments.applyMembership(s.id, ['a', 'b', 'c'], t1), {
      entered: 3,
      exited: 0,
      size: 3,
    });
    clock.advance(1000);
    const t2 = clock.now();
    assert.deepEqual(await store.segments.applyMembership(s.id, ['b', 'c', 'd'], t2), {
      entered: 1,
      exited: 1,
      size: 3,
    });
    const log = await store.segments.changes(s.id, { limit: 10 });
    assert.deepEqual(
      log.map((c) => [c.personId, c.change, c.at]),
      [
        ['a', 'left', t2],
        ['d', 'entered', t2],
        ['c', 'entered', t1],
        ['b', 'entered', t1],
        ['a', 'entered', t1],
      ],
    );
    const page2 = await store.segments.changes(s.id, { limit: 2, before: log[1]?.seq ?? 0 });
    assert.deepEqual(
      page2.map((c) => c.personId),
      ['c', 'b'],
    );
    assert.deepEqual(
      (await store.segments.changes(s.id, { limit: 10, personId: 'a' })).map((c) => c.change),
      ['left', 'entered'],
    );
    assert.deepEqual(await store.segments.sizes(s.id), [
      { at: t1, size: 3, entered: 3, exited: 0 },
      { at: t2, size: 3, entered: 1, exited: 1 },
    ]);
    assert.deepEqual(await store.segments.members(s.id, { limit: 2 }), ['b', 'c']);
    assert.deepEqual(await store.segments.members(s.id, { limit: 2, after: 'c' }), ['d']);
    const cur = await store.segments.byId(s.id);
    assert.equal(cur?.size, 3);
    assert.equal(cur?.computedAt, t2);
    const of = await store.segments.forPerson(p.id, 'd');
    assert.deepEqual(
      of.map((x) => [x.segment.id, x.enteredAt]),
      [[s.id, t2]],
    );
    assert.deepEqual(await store.segments.forPerson(p.id, 'a'), []);
    assert.equal(await store.segments.forgetPerson(p.id, 'b'), 2);
    assert.deepEqual(await store.segments.members(s.id, { limit: 10 }), ['c', 'd']);
    assert.equal((await store.segments.byId(s.id))?.size, 2);
    assert.deepEqual(await store.segments.changes(s.id, { limit: 10, personId: 'b' }), []);
  });

  it('keeps people settings per project and lists retention limits', async () => {
    const { store } = get();
    const p = await project('segd', { eventRetentionDays: 30 });
    const q = await project('sege');
    assert.equal(await store.peopleSettings.get(p.id), null);
    await store.peopleSettings.set(p.id, { stratification: { activationEvent: 'signup' } });
    const both = await store.peopleSettings.set(p.id, { rfm: { revenueProperty: 'amount' } });
    assert.deepEqual(both.stratification, { activationEvent: 'signup' });
    assert.deepEqual(both.rfm, { revenueProperty: 'amount' });
    assert.equal(await store.peopleSettings.get(q.id), null);
    const limits = await store.peopleSettings.retentionLimits();
    assert.deepEqual(
      limits.filter((l) => l.projectId === p.id || l.projectId === q.id),
      [{ projectId: p.id, days: 30 }],
    );
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { person } from '../contract/identity-store-contract.js';
import type { IdentityChanges, PersonState } from '../identity-store.js';
import { type IdentityView, reconcile, viewKey } from './reconcile.js';

const view = (
  persons: PersonState[],
  distinctIds: Array<[string, string]> = [],
  overrides: Array<[string, string]> = [],
): IdentityView => ({
  persons: new Map(persons.map((p) => [viewKey(p.projectId, p.id), p])),
  distinctIds: new Map(distinctIds.map(([d, p]) => [viewKey('p1', d), p])),
  overrides: new Map(overrides.map(([o, p]) => [viewKey('p1', o), p])),
  groups: new Map(),
});
const changes = (c: Partial<IdentityChanges>): IdentityChanges => ({
  merges: [],
  distinctIds: [],
  persons: [],
  groups: [],
  ...c,
});

describe('reconcile', () => {
  it('corrects nothing when the change set follows what is stored', () => {
    const stored = person('p1', 'a', { version: 3 });
    const c = changes({
      merges: [{ projectId: 'p1', oldPersonId: 'b', personId: 'a' }],
      distinctIds: [{ projectId: 'p1', distinctId: 'new', personId: 'a' }],
      persons: [person('p1', 'a', { version: 4 }), person('p1', 'fresh')],
    });
    assert.equal(reconcile(view([stored, person('p1', 'b')], [['old', 'a']]), c), null);
  });

  it('merges our new person into the one another node mapped the distinct id to first', () => {
    const theirs = person('p1', 'theirs', {
      createdAt: 50,
      properties: { a: { k: 'set', t: 5, v: 1 } },
    });
    const ours = person('p1', 'ours', {
      createdAt: 40,
      properties: { b: { k: 'set', t: 4, v: 2 } },
    });
    const fix = reconcile(
      view([theirs], [['d', 'theirs']]),
      changes({
        distinctIds: [{ projectId: 'p1', distinctId: 'd', personId: 'ours' }],
        persons: [ours],
      }),
    );
    assert.deepEqual(fix?.merges, [{ projectId: 'p1', oldPersonId: 'ours', personId: 'theirs' }]);
    assert.deepEqual(fix?.persons, [
      {
        ...theirs,
        createdAt: 40,
        version: 2,
        properties: { a: { k: 'set', t: 5, v: 1 }, b: { k: 'set', t: 4, v: 2 } },
      },
    ]);
  });

  it('folds a stale write with the stored row, newest value per property', () => {
    const stored = person('p1', 'a', {
      version: 2,
      properties: { x: { k: 'set', t: 9, v: 'stored' }, y: { k: 'set', t: 1, v: 'old' } },
    });
    const ours = person('p1', 'a', {
      version: 2,
      properties: { x: { k: 'set', t: 5, v: 'ours' }, y: { k: 'set', t: 6, v: 'ours' } },
    });
    const fix = reconcile(view([stored]), changes({ persons: [ours] }));
    assert.deepEqual(fix?.merges, []);
    assert.deepEqual(fix?.persons[0]?.properties, {
      x: { k: 'set', t: 9, v: 'stored' },
      y: { k: 'set', t: 6, v: 'ours' },
    });
    assert.equal(fix?.persons[0]?.version, 3);
  });

  it('joins both targets when we merge a person another node merged elsewhere', () => {
    const fix = reconcile(
      view([person('p1', 'x'), person('p1', 'y')], [], [['old', 'x']]),
      changes({
        merges: [{ projectId: 'p1', oldPersonId: 'old', personId: 'y' }],
        persons: [person('p1', 'y', { version: 2 })],
      }),
    );
    assert.deepEqual(fix?.merges, [{ projectId: 'p1', oldPersonId: 'y', personId: 'x' }]);
    assert.deepEqual(
      fix?.persons.map((p) => p.id),
      ['x'],
    );
  });
});

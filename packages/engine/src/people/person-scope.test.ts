import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Filter } from '@opsloop/schema';
import { requiresEvent } from './person-scope.js';

const within = { days: 30 };
const did = (times?: { op: 'eq' | 'gte' | 'lte' | 'gt' | 'lt'; value: number }): Filter => ({
  performed: 'purchase',
  within,
  ...(times ? { times } : {}),
});

describe('requiresEvent', () => {
  it('is true only when a person without events cannot match', () => {
    assert.equal(requiresEvent(did()), true);
    assert.equal(requiresEvent(did({ op: 'gte', value: 2 })), true);
    assert.equal(requiresEvent(did({ op: 'gt', value: 0 })), true);
    assert.equal(requiresEvent(did({ op: 'eq', value: 0 })), false);
    assert.equal(requiresEvent(did({ op: 'lt', value: 3 })), false);
    assert.equal(requiresEvent(did({ op: 'gte', value: 0 })), false);
    assert.equal(requiresEvent({ notPerformed: 'purchase', within }), false);
    assert.equal(requiresEvent({ and: [did(), { notPerformed: 'app_open', within }] }), true);
    assert.equal(requiresEvent({ or: [did(), { notPerformed: 'app_open', within }] }), false);
    assert.equal(requiresEvent({ or: [] }), false);
    assert.equal(requiresEvent({ and: [] }), false);
    assert.equal(requiresEvent({ not: { notPerformed: 'x', within } }), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributedGroup, compareBreakdownValues } from './attribution.js';
import { PersonEvents } from './person-events.js';

const values = [null, 'pro', 'free'];
const [NONE, PRO, FREE] = [0, 1, 2];

function person(...evs: [t: number, steps: number, inRange: boolean, tag: number][]): PersonEvents {
  const ev = new PersonEvents();
  for (const [t, steps, inRange, tag] of evs) ev.push(t, steps, 0, inRange, tag);
  return ev;
}

describe('event-property breakdown attribution', () => {
  it('takes the value of the earliest in-range event that can start the funnel', () => {
    const ev = person([30, 0b01, true, FREE], [10, 0b10, true, NONE], [20, 0b01, true, PRO]);
    assert.equal(attributedGroup(ev, { anyStep: false, values }), PRO);
  });

  it('skips events before the range and events that only match later steps', () => {
    const ev = person([5, 0b01, false, FREE], [10, 0b10, true, FREE], [20, 0b11, true, PRO]);
    assert.equal(attributedGroup(ev, { anyStep: false, values }), PRO);
  });

  it('lets any step start an unordered funnel', () => {
    const ev = person([10, 0b10, true, FREE], [20, 0b01, true, PRO]);
    assert.equal(attributedGroup(ev, { anyStep: true, values }), FREE);
    assert.equal(attributedGroup(ev, { anyStep: false, values }), PRO);
  });

  it('breaks ties at equal times by the lowest value, null last, whatever the input order', () => {
    assert.equal(
      attributedGroup(person([10, 1, true, PRO], [10, 1, true, FREE]), { anyStep: false, values }),
      FREE,
    );
    assert.equal(
      attributedGroup(person([10, 1, true, NONE], [10, 1, true, PRO]), { anyStep: false, values }),
      PRO,
    );
    assert.equal(
      attributedGroup(person([10, 1, true, PRO], [10, 1, true, NONE]), { anyStep: false, values }),
      PRO,
    );
  });

  it('is undefined when nothing can start the funnel', () => {
    assert.equal(
      attributedGroup(person([10, 0b10, true, PRO]), { anyStep: false, values }),
      undefined,
    );
    assert.equal(attributedGroup(new PersonEvents(), { anyStep: true, values }), undefined);
  });

  it('orders values by code unit with null last', () => {
    const sorted = ['b', null, 'B', 'a', ''].sort(compareBreakdownValues);
    assert.deepEqual(sorted, ['', 'B', 'a', 'b', null]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, isAfter } from './cursor.js';
import { type RecentRow, shapeRecent } from './recent-events.js';

const UUID = '0190a5c4-1b2c-7d3e-8f40-123456789abc';

describe('stream cursor', () => {
  it('round-trips and refuses anything it did not write', () => {
    const c = { receivedAt: 1_718_000_000_123, uuid: UUID };
    assert.deepEqual(decodeCursor(encodeCursor(c)), c);
    assert.deepEqual(decodeCursor(encodeCursor(c).toUpperCase()), c);
    for (const bad of ['', '123', `x_${UUID}`, `123_${UUID}x`, `123-${UUID}`, "1_' OR 1=1 --"]) {
      assert.equal(decodeCursor(bad), null, bad);
    }
  });

  it('orders by arrival, then uuid', () => {
    const a = { receivedAt: 2, uuid: UUID };
    assert.equal(isAfter(a, { receivedAt: 1, uuid: UUID }), true);
    assert.equal(isAfter(a, a), false);
    assert.equal(isAfter({ receivedAt: 2, uuid: `${UUID.slice(0, -1)}d` }, a), true);
  });
});

describe('shapeRecent', () => {
  const row = (n: number): RecentRow => ({
    uuid: `${UUID.slice(0, -1)}${n}`,
    event: `e${n}`,
    distinct_id: 'd',
    person_id: 'p',
    ts: BigInt(1000 + n),
    rcv: 2000 + n,
    url: null,
    properties: n === 1 ? 'not json' : JSON.stringify({ n }),
  });

  it('keeps `limit` events, says when more were waiting, and moves the cursor to the newest', () => {
    const page = shapeRecent([row(3), row(2), row(1)], { after: null, limit: 2 });
    assert.deepEqual(
      page.events.map((e) => e.event),
      ['e3', 'e2'],
    );
    assert.equal(page.skipped, true);
    assert.equal(page.cursor, `2003_${UUID.slice(0, -1)}3`);
    assert.equal(page.events[0]?.timestamp, 1003);
    assert.deepEqual(page.events[0]?.properties, { n: 3 });
    const bad = shapeRecent([row(1)], { after: null, limit: 5 });
    assert.deepEqual(bad.events[0]?.properties, {});
    assert.equal(bad.skipped, false);
  });

  it('keeps the cursor it was given when nothing arrived', () => {
    const after = { receivedAt: 5, uuid: UUID };
    assert.equal(shapeRecent([], { after, limit: 5 }).cursor, `5_${UUID}`);
    assert.equal(shapeRecent([], { after: null, limit: 5 }).cursor, null);
  });
});

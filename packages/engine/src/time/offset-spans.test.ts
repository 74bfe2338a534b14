import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { offsetSpans } from './offset-spans.js';

const HOUR = 3_600_000;

describe('offsetSpans', () => {
  it('pins a DST change to the millisecond', () => {
    const from = Date.UTC(2024, 2, 25);
    assert.deepEqual(offsetSpans('Europe/London', from, Date.UTC(2024, 3, 5)), [
      { from, offset: 0 },
      { from: Date.UTC(2024, 2, 31, 1), offset: HOUR },
    ]);
    assert.deepEqual(
      offsetSpans('America/New_York', Date.UTC(2024, 10, 1), Date.UTC(2024, 10, 10)),
      [
        { from: Date.UTC(2024, 10, 1), offset: -4 * HOUR },
        { from: Date.UTC(2024, 10, 3, 6), offset: -5 * HOUR },
      ],
    );
  });

  it('has one span for a zone without changes, and for a single instant', () => {
    assert.deepEqual(offsetSpans('UTC', 0, 100 * 86_400_000), [{ from: 0, offset: 0 }]);
    assert.deepEqual(offsetSpans('Asia/Kolkata', 5, 5), [{ from: 5, offset: 5.5 * HOUR }]);
  });

  it('answers a repeated question from memory, unchanged by what a caller does to an answer', () => {
    const from = Date.UTC(2024, 2, 25);
    const to = Date.UTC(2024, 3, 5);
    const first = offsetSpans('Europe/London', from, to);
    first.pop();
    assert.deepEqual(offsetSpans('Europe/London', from, to), [
      { from, offset: 0 },
      { from: Date.UTC(2024, 2, 31, 1), offset: HOUR },
    ]);
  });
});

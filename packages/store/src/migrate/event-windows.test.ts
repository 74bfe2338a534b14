import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planWindows, rowsPerInsert, WINDOW_MS } from './event-windows.js';

describe('planWindows', () => {
  it('copies what the target lacks, skips what it has whole and recopies what it has in part', () => {
    const steps = planWindows(
      [
        { projectId: 'p2', window: 5, count: 10 },
        { projectId: 'p1', window: 7, count: 4 },
        { projectId: 'p1', window: -1, count: 3 },
        { projectId: 'p1', window: 8, count: 0 },
      ],
      [
        { projectId: 'p1', window: 7, count: 4 },
        { projectId: 'p2', window: 5, count: 6 },
        { projectId: 'p3', window: 1, count: 9 },
      ],
    );
    assert.deepEqual(
      steps.map((s) => [s.projectId, s.window, s.action, s.count]),
      [
        ['p1', -1, 'copy', 3],
        ['p1', 7, 'skip', 4],
        ['p2', 5, 'recopy', 10],
      ],
    );
    assert.equal(steps[0]?.from, -WINDOW_MS);
    assert.equal(steps[0]?.to, 0);
  });

  it('windows tile time: every instant falls in exactly the window floor(ms / WINDOW_MS) names', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (ms) => {
        const window = Math.floor(ms / WINDOW_MS);
        const [step] = planWindows([{ projectId: 'p', window, count: 1 }], []);
        assert.ok(step && step.from <= ms && ms < step.to);
      }),
    );
  });
});

describe('rowsPerInsert', () => {
  it('keeps a statement under 65,535 parameters and within the cap', () => {
    assert.equal(rowsPerInsert(10), 2_000);
    assert.equal(rowsPerInsert(40), 1_638);
    assert.equal(rowsPerInsert(70_000), 1);
    assert.equal(rowsPerInsert(3, { max: 100 }), 100);
    assert.throws(() => rowsPerInsert(0));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), (c) => {
        const n = rowsPerInsert(c);
        assert.ok(n >= 1 && (n * c <= 65_535 || n === 1));
      }),
    );
  });
});

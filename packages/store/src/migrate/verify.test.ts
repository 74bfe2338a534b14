import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCounts, renderVerification } from './verify.js';

describe('compareCounts', () => {
  it('pairs figures, counting one missing on a side as 0 on it', () => {
    const v = compareCounts(
      [
        { check: 'meta users', projectId: null, value: 3 },
        { check: 'events', projectId: 'p1', value: 100 },
        { check: 'events', projectId: 'p2', value: 5 },
      ],
      [
        { check: 'events', projectId: 'p2', value: 4 },
        { check: 'meta users', projectId: null, value: 3 },
        { check: 'events', projectId: 'p1', value: 100 },
        { check: 'events', projectId: 'p9', value: 1 },
      ],
    );
    assert.deepEqual(v.rows, [
      { check: 'meta users', projectId: null, source: 3, target: 3, ok: true },
      { check: 'events', projectId: 'p1', source: 100, target: 100, ok: true },
      { check: 'events', projectId: 'p2', source: 5, target: 4, ok: false },
      { check: 'events', projectId: 'p9', source: 0, target: 1, ok: false },
    ]);
    assert.equal(v.mismatches, 2);
  });

  it('tells a table-wide figure from a per-project one of the same name', () => {
    const v = compareCounts(
      [{ check: 'x', projectId: null, value: 1 }],
      [{ check: 'x', projectId: '', value: 1 }],
    );
    assert.equal(v.rows.length, 1, 'an empty project id is not a project');
    assert.equal(
      compareCounts(
        [{ check: 'x', projectId: 'p', value: 1 }],
        [{ check: 'x', projectId: null, value: 1 }],
      ).mismatches,
      2,
    );
  });
});

describe('renderVerification', () => {
  it('prints aligned columns, marks mismatches and sums up', () => {
    const text = renderVerification(
      compareCounts(
        [
          { check: 'meta users', projectId: null, value: 12 },
          { check: 'events', projectId: 'prj_1', value: 1500 },
        ],
        [
          { check: 'meta users', projectId: null, value: 12 },
          { check: 'events', projectId: 'prj_1', value: 1499 },
        ],
      ),
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'check       project  source  target');
    assert.equal(lines[2], 'meta users  -            12      12  ok');
    assert.equal(lines[3], 'events      prj_1      1500    1499  MISMATCH');
    assert.match(text, /1 of 2 figures differ\./);
    assert.match(
      renderVerification(
        compareCounts(
          [{ check: 'a', projectId: null, value: 1 }],
          [{ check: 'a', projectId: null, value: 1 }],
        ),
      ),
      /All 1 figures match\./,
    );
  });
});

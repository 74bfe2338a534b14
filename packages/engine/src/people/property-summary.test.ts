import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeProperties } from './property-summary.js';

describe('summarizeProperties', () => {
  it('counts keys, picks the most frequent type and keeps five distinct non-null examples', () => {
    const rows = [
      '{"plan":"pro","n":2,"x":null,"neg":-1}',
      '{"plan":"free","n":2.5}',
      '{"plan":"pro","n":3,"tags":["a"],"o":{"k":1},"ok":true}',
      '{"plan":"a"}',
      '{"plan":"b"}',
      '{"plan":"c"}',
      '{"plan":"d"}',
      'not json',
      '[1,2]',
    ];
    assert.deepEqual(summarizeProperties(rows), [
      { name: 'plan', type: 'VARCHAR', n: 7, examples: ['pro', 'free', 'a', 'b', 'c'] },
      { name: 'n', type: 'UBIGINT', n: 3, examples: ['2', '2.5', '3'] },
      { name: 'neg', type: 'BIGINT', n: 1, examples: ['-1'] },
      { name: 'o', type: 'OBJECT', n: 1, examples: ['{"k":1}'] },
      { name: 'ok', type: 'BOOLEAN', n: 1, examples: ['true'] },
      { name: 'tags', type: 'ARRAY', n: 1, examples: ['["a"]'] },
      { name: 'x', type: 'NULL', n: 1, examples: [] },
    ]);
  });

  it('sorts names that tie on count by code unit', () => {
    assert.deepEqual(
      summarizeProperties(['{"b":1,"B":1,"a":1}']).map((p) => p.name),
      ['B', 'a', 'b'],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { eventDefinitionsQuery, propertyDefinitionsQuery } from './definitions.js';
import {
  personCountQuery,
  personDistinctIdsQuery,
  personListQuery,
  personSeenQuery,
} from './person-list.js';
import { personProfileQuery, propertyHistoryQuery, timelineQuery } from './person-profile.js';
import { mergedIdsQuery } from './person-scope.js';

const P = 'proj_1';
const ID = '00000000-0000-4000-8000-000000000001';
const spec = {
  projectId: P,
  where: { performed: 'purchase', within: { days: 30 } },
  search: 'Ann',
  asOf: 1_700_000_000_000,
  limit: 10,
  offset: 20,
} as const;

/** Every person query, as the given engine's SQL. */
function all(dialect: 'duckdb' | 'clickhouse'): Record<string, CompiledQuery> {
  const o = { dialect };
  return {
    list: personListQuery({ ...spec, dialect }),
    count: personCountQuery({ ...spec, dialect }),
    seen: personSeenQuery(P, [ID], o),
    distinctIds: personDistinctIdsQuery(P, [ID], o),
    profile: personProfileQuery(P, ID, o),
    history: propertyHistoryQuery(P, ID, 50, o),
    timeline: timelineQuery(P, ID, { limit: 5, cursor: { ts: 5, uuid: ID }, ...o }),
    timelineOfIds: timelineQuery(P, ID, { limit: 5, mergedIds: [ID], ...o }),
    merged: mergedIdsQuery(P, ID, o),
    events: eventDefinitionsQuery(P, o),
    eventProps: propertyDefinitionsQuery(P, 'event', 100, o),
    personProps: propertyDefinitionsQuery(P, 'person', 100, o),
  };
}

describe('person queries', () => {
  it('on ClickHouse: no casts, no table CTEs, no window functions, values inlined', () => {
    for (const [name, q] of Object.entries(all('clickhouse'))) {
      assert.equal(q.parameters.length, 0, name);
      assert.doesNotMatch(q.sql, /::|\bWITH\b|\bOVER\s*\(|USING SAMPLE|json_keys|\blist\(/, name);
    }
  });

  it('on DuckDB: the UUID columns compared as UUIDs, values as parameters', () => {
    const q = all('duckdb');
    assert.match(q['profile']?.sql ?? '', /id = \$\d+::UUID/);
    assert.match(q['timeline']?.sql ?? '', /e\.uuid < \$\d+::UUID/);
    assert.match(q['list']?.sql ?? '', /count\(\*\) OVER \(\)/);
    for (const [name, c] of Object.entries(q)) assert.ok(c.parameters.length > 0, name);
  });
});

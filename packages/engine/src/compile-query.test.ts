import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalyticsQuery } from '@opsloop/schema';
import { compileQuery } from './compile-query.js';
import { QueryPlanError } from './plan/context.js';

const ctx = {
  dialect: 'duckdb' as const,
  projectId: 'p1',
  timezone: 'UTC',
  now: Date.parse('2024-04-01T00:00:00Z'),
};
const parse = (q: unknown) => AnalyticsQuery.parse(q);

describe('compileQuery (DuckDB golden SQL)', () => {
  it('a daily total trend', () => {
    const { compiled } = compileQuery(
      parse({
        kind: 'trends',
        dateRange: { from: '2024-03-01', to: '2024-03-02' },
        series: [{ event: 'signup' }],
      }),
      ctx,
    );
    const at = (ms: number) => `(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(${ms}))`;
    // Inside the range the wall clock is a shift by the zone's offset (0 for UTC); outside, ICU.
    const inRange = `e.timestamp >= ${at(1709251200000)} AND e.timestamp < ${at(1709424000000)}`;
    const local = `CASE WHEN ${inRange} THEN make_timestamp(epoch_us(e.timestamp) + 0) ELSE timezone('UTC', e.timestamp) END`;
    // The day's start: whole days of shifted ms, no timestamp built or truncated.
    const day = `CASE WHEN ${inRange} THEN (((epoch_ms(e.timestamp) + 0 - 0) // 86400000) * 86400000 + 0) ELSE epoch_ms(date_trunc('day', timezone('UTC', e.timestamp))) END`;
    // A count of events reads no person: no overrides join, no person column.
    const src = (p: number) =>
      `(SELECT ${local} AS local_ts, ${day} AS bucket_ms, (e.timestamp >= ${at(1709251200000)} AND e.timestamp < ${at(1709424000000)}) AS in_range, NULL::VARCHAR AS bval, NULL::DOUBLE AS val ` +
      `FROM events e ` +
      `WHERE e.project_id = $${p} AND e.timestamp >= ${at(1709251200000)} AND e.timestamp < ${at(1709424000000)} AND e.event IN ($${p + 1})) t`;
    assert.equal(
      compiled.sql,
      `SELECT $1 AS s, $2 AS period, bval, bucket_ms AS bucket, (count(*))::DOUBLE AS value FROM ${src(3)} GROUP BY GROUPING SETS ((bval, bucket), (bval))`,
    );
    assert.deepEqual(compiled.parameters, [0, 'current', 'p1', 'signup']);
  });

  it('joins the person overrides only for trends that read the person', () => {
    const sqlOf = (series: object, extra: object = {}) =>
      compileQuery(
        parse({
          kind: 'trends',
          dateRange: { from: '2024-03-01', to: '2024-03-02' },
          series: [{ event: 'signup', ...series }],
          ...extra,
        }),
        ctx,
      ).compiled.sql;
    const joins = (sql: string) => sql.includes('person_overrides');
    const eventFilter = { property: 'plan', on: 'event', op: 'eq', value: 'pro' };
    const personFilter = { property: 'plan', on: 'person', op: 'eq', value: 'pro' };
    // Counts of events and maths over a property never need the merged person.
    assert.equal(joins(sqlOf({})), false);
    assert.equal(joins(sqlOf({ math: 'sum', property: 'amount' })), false);
    assert.equal(joins(sqlOf({ filters: eventFilter })), false);
    assert.equal(joins(sqlOf({}, { breakdown: { on: 'event', property: 'plan' } })), false);
    // Counting persons, breaking down or filtering by them, or by what they did, does.
    for (const math of ['unique_persons', 'dau', 'wau', 'mau'])
      assert.equal(joins(sqlOf({ math })), true, math);
    assert.equal(joins(sqlOf({}, { breakdown: { on: 'person', property: 'plan' } })), true);
    assert.equal(joins(sqlOf({ filters: personFilter })), true);
    assert.equal(joins(sqlOf({}, { filters: { not: personFilter } })), true);
    assert.equal(
      joins(sqlOf({}, { filters: { performed: 'purchase', within: { days: 7 } } })),
      true,
    );
  });

  it('a funnel over the person-ordered part: merged persons, the recent part by person, the runs', () => {
    const funnel = (extra: object = {}) =>
      parse({
        kind: 'funnel',
        dateRange: { from: '2024-03-01', to: '2024-03-02' },
        steps: [{ event: 'a' }, { event: 'b' }],
        window: { value: 1, unit: 'day' },
        ...extra,
      });
    const runs = compileQuery(funnel(), ctx).chunked?.personRuns;
    assert.ok(runs);
    const at = (ms: number) => `(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(${ms}))`;
    const scan = (table: string, p: number) =>
      `FROM ${table} e${table === 'events_sorted' ? '' : ' LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id'} ` +
      `WHERE e.project_id = $${p} AND e.timestamp >= ${at(1709251200000)} AND e.timestamp < ${at(1709510400000)} AND ` +
      `e.event IN ($${p + 1}, $${p + 2})`;
    // The sorted part by person number: the UUID decodes slowly.
    const person = (table: string) =>
      table === 'events_sorted' ? 'e.person_idx' : 'coalesce(o.person_id, e.person_id)';
    const cols = (table: string, p: number) =>
      `${person(table)} AS person, (epoch_ms(e.timestamp))::DOUBLE AS t, (CASE WHEN e.event = $${p} THEN (1)::BIGINT WHEN e.event = $${p + 1} THEN (2)::BIGINT ELSE (0)::BIGINT END) AS steps, (0)::BIGINT AS excl, e.timestamp < ${at(1709424000000)} AS in_range, NULL::VARCHAR AS bval`;
    const flat = (inner: string) =>
      `SELECT person, t, (steps)::INTEGER AS s FROM (${inner}) f WHERE steps <> 0 OR excl <> 0`;
    // The sorted part: its stored person is the merged one; no join, a plain scan in table order.
    assert.equal(
      runs.runs[0]?.sql,
      flat(`SELECT ${cols('events_sorted', 1)} ${scan('events_sorted', 3)}`),
    );
    assert.deepEqual(runs.runs[0]?.parameters, ['a', 'b', 'p1', 'a', 'b']);
    // Persons merged since the compaction (both ends), with whom to group them.
    const newOverrides = (p: number) =>
      `FROM person_overrides n WHERE n.project_id = $${p} AND n.old_person_id NOT IN (SELECT s.old_person_id FROM squashed_overrides s WHERE s.project_id = $${p + 1})`;
    const number = (person: string, p: number) =>
      `LEFT JOIN sorted_persons sp ON sp.project_id = $${p} AND sp.person_id = ${person}`;
    assert.equal(
      runs.divert.sql,
      `SELECT d.pid, d.merged, coalesce(sp.person_idx, 0) AS idx FROM (` +
        `SELECT DISTINCT pid, merged FROM (SELECT n.person_id AS pid, n.person_id AS merged ${newOverrides(1)} ` +
        `UNION ALL SELECT n.old_person_id AS pid, n.person_id AS merged ${newOverrides(3)}) d) d ${number('d.pid', 5)}`,
    );
    // The recent part, by person number (those without one last, by UUID), to merge into the runs.
    assert.equal(
      runs.recent.sql,
      `SELECT f.*, coalesce(sp.person_idx, 0) AS idx FROM (${flat(`SELECT ${cols('events_recent', 1)} ${scan('events_recent', 3)}`)}) f ` +
        `${number('f.person', 6)} ORDER BY idx = 0, idx, f.person`,
    );
    // Five names or more: tested row by row, as DuckDB turns such IN lists into a join, which reorders.
    const five = compileQuery(
      funnel({ steps: ['a', 'b', 'c', 'd', 'e'].map((event) => ({ event })) }),
      ctx,
    ).chunked?.personRuns;
    assert.ok(five?.runs[0]?.sql.includes('list_contains([$7, $8, $9, $10, $11], e.event)'));
    assert.ok(five?.recent.sql.includes('e.event IN ($7, $8, $9, $10, $11)'));
    // Knowing how many persons the sorted part numbers, its runs come in slices by number.
    assert.equal(runs.runs.length, 1);
    const sliced = compileQuery(funnel(), { ...ctx, sortedPersons: 1_000_000 }).chunked?.personRuns;
    assert.deepEqual(
      sliced?.runs.map((r) => [
        /e\.person_idx > \$(\d+)/.exec(r.sql)?.[1],
        /e\.person_idx <= \$(\d+)/.exec(r.sql)?.[1],
        r.parameters.slice(5),
      ]),
      [
        [undefined, '6', [250_000]],
        ['6', '7', [250_000, 500_000]],
        ['6', '7', [500_000, 750_000]],
        ['6', undefined, [750_000]],
      ],
    );
    // Person properties need the persons join, which may reorder rows: no runs then.
    const byPerson = { breakdown: { on: 'person', property: 'plan' } };
    assert.equal(compileQuery(funnel(byPerson), ctx).chunked?.personRuns, undefined);
    const personFilter = { filters: { property: 'plan', on: 'person', op: 'eq', value: 'pro' } };
    assert.equal(compileQuery(funnel(personFilter), ctx).chunked?.personRuns, undefined);
    // So does what persons did: a person merged since the compaction is judged as the merged one.
    const performed = { filters: { performed: 'c', within: { days: 7 } } };
    assert.equal(compileQuery(funnel(performed), ctx).chunked?.personRuns, undefined);
    // ClickHouse keeps events in one part.
    const ch = compileQuery(funnel(), { ...ctx, dialect: 'clickhouse' });
    assert.equal(ch.chunked?.personRuns, undefined);
  });

  it('unique persons by bucket masks, grouped by person alone unless broken down', () => {
    const unique = (breakdown?: unknown) =>
      compileQuery(
        parse({
          kind: 'trends',
          dateRange: { from: '2024-03-01', to: '2024-03-02' },
          series: [{ event: 'signup', math: 'unique_persons' }],
          ...(breakdown ? { breakdown } : {}),
        }),
        ctx,
      ).compiled.sql;
    // One bit per day of the two, ORed per person; a day counts the masks with its bit set.
    const masks = `coalesce(bit_or(((1)::BIGINT << greatest(0, least($3, slot - $4)))) FILTER (WHERE slot >= 0 AND slot < 63), 0) AS m0`;
    const slots = `SELECT person, ((local_ms - (1709251200000)::BIGINT) // (86400000)::BIGINT) AS slot FROM`;
    const plain = unique();
    assert.ok(
      plain.includes(`SELECT NULL::VARCHAR AS bval, person, ${masks} FROM (${slots} `),
      plain,
    );
    assert.ok(
      plain.endsWith(
        `GROUP BY person) p GROUP BY bval) g CROSS JOIN (VALUES ((-1)::BIGINT), ((0)::BIGINT), ((1)::BIGINT)) v(j)`,
      ),
      plain,
    );
    const split = unique({ on: 'event', property: 'plan' });
    assert.ok(split.includes(`SELECT bval, person, ${masks} FROM (SELECT bval, person, `), split);
    assert.ok(split.includes('GROUP BY bval, person) p GROUP BY bval'), split);
  });

  it('values from the query only ever travel as parameters', () => {
    const evil = "x'); DROP TABLE events; --";
    const { compiled } = compileQuery(
      parse({
        kind: 'funnel',
        dateRange: { from: '2024-03-01', to: '2024-03-02' },
        steps: [
          { event: evil },
          { event: 'b', filters: { property: evil, op: 'eq', value: evil } },
        ],
      }),
      ctx,
    );
    // Outside properly quoted literals ('' doubled inside) nothing of the input remains.
    const outsideLiterals = compiled.sql.replace(/'(?:[^']|'')*'/g, "''");
    assert.equal(outsideLiterals.includes('DROP'), false, outsideLiterals);
    assert.ok(
      compiled.sql.includes("'/x''); DROP TABLE events; --'"),
      'the JSON key is an escaped literal',
    );
    assert.ok(compiled.parameters.includes(evil));
  });

  it('names the field it cannot answer', () => {
    assert.throws(
      () =>
        compileQuery(
          parse({
            kind: 'trends',
            dateRange: { from: '2024-03-01', to: '2024-03-02' },
            series: [{ event: 'a', filters: { segment: 's1' } }],
          }),
          ctx,
        ),
      (e: unknown) => e instanceof QueryPlanError && e.path === 'series.0.filters.segment',
    );
    assert.throws(
      () =>
        compileQuery(
          parse({
            kind: 'trends',
            dateRange: { from: '2024-03-01', to: '2024-03-02' },
            series: [{ event: 'a' }],
          }),
          { ...ctx, timezone: 'Mars/Olympus' },
        ),
      (e: unknown) => e instanceof QueryPlanError && e.path === 'timezone',
    );
  });
});

describe('compileQuery limits', () => {
  it('refuses a ten-year hourly trend before walking it', () => {
    const started = Date.now();
    assert.throws(
      () =>
        compileQuery(
          parse({
            kind: 'trends',
            dateRange: { from: '2015-01-01', to: '2024-12-31' },
            series: [{ event: 'a' }],
            interval: 'hour',
          }),
          ctx,
        ),
      (e: unknown) => e instanceof QueryPlanError && e.path === 'dateRange',
    );
    assert.ok(Date.now() - started < 500);
  });
});

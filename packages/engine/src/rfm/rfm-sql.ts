import { compileFor, type PeopleDialect } from '../people/person-scope.js';
import { asDouble, propertyText } from '../plan/properties.js';
import { OVERRIDES_JOIN, PERSON } from '../plan/source.js';
import { cte, fn } from '../sql/ast/functions.js';
import {
  EpochMsNode,
  EventsTableNode,
  InstantNode,
  type SqlNode,
  WithNode,
} from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import type { RfmConfig } from './tiers.js';

/**
 * Per person with a revenue event in the window: last (epoch ms), frequency,
 * monetary, and quintile scores r, f, m (1–5, 5 best; ties broken by person
 * id so scores are stable). Rows sorted by person id.
 */
export function rfmScoresQuery(
  projectId: string,
  asOf: number,
  c: RfmConfig,
  options: { readonly dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  const amount = asDouble(
    propertyText({ eventAlias: 'e', personProperties: undefined }, 'event', c.revenueProperty),
  );
  const scan = sql`e.project_id = ${projectId} AND e.event = ${c.revenueEvent} AND e.timestamp > ${InstantNode.create(asOf - c.windowDays * 86_400_000)} AND e.timestamp <= ${InstantNode.create(asOf)}`;
  const p = sql`SELECT ${PERSON} AS person, max(e.timestamp) AS last, count(*) AS frequency, coalesce(sum(coalesce(${amount}, 0)), 0) AS monetary
  FROM ${EventsTableNode.create('e', scan)}${OVERRIDES_JOIN}
  WHERE ${scan}
  GROUP BY person`;
  if (options.dialect === 'clickhouse') return compileFor('clickhouse', withoutWindows(p));
  return compileFor(
    options.dialect,
    WithNode.create(
      [{ name: 'p', query: p }],
      sql`SELECT ${fn.toText(text('person'))} AS id, ${EpochMsNode.create(text('last'))} AS last, frequency, monetary,
  ntile(5) OVER (ORDER BY last, person) AS r,
  ntile(5) OVER (ORDER BY frequency, person) AS f,
  ntile(5) OVER (ORDER BY monetary, person) AS m
FROM ${cte('p')} ORDER BY person`,
    ),
  );
}

/**
 * The same scores without window functions (ClickHouse 18.16): each order's
 * ranks from one sorted array of the persons, then `ntile(5)` of the rank
 * computed as DuckDB does (the first n mod 5 tiles one larger).
 */
function withoutWindows(p: SqlNode): SqlNode {
  const ranked = (key: string, score: string) =>
    sql`(SELECT x.1 AS person, ${ntile5('i', 'n')} AS ${text(score)} FROM (SELECT arraySort(t -> (t.2, t.1), groupArray((person, ${text(key)}))) AS s, length(s) AS n FROM (${p})) ARRAY JOIN s AS x, arrayEnumerate(s) AS i)`;
  // One join per SELECT: the three rankings join one after the other.
  const withR = sql`SELECT p.person AS person, p.last AS last, p.frequency AS frequency, p.monetary AS monetary, a.rs AS rs FROM (${p}) p JOIN ${ranked('last', 'rs')} a ON a.person = p.person`;
  const withF = sql`SELECT l1.person AS person, l1.last AS last, l1.frequency AS frequency, l1.monetary AS monetary, l1.rs AS rs, b.fs AS fs FROM (${withR}) l1 JOIN ${ranked('frequency', 'fs')} b ON b.person = l1.person`;
  return sql`SELECT l2.person AS id, l2.last AS last, l2.frequency AS frequency, l2.monetary AS monetary, l2.rs AS r, l2.fs AS f, c.ms AS m FROM (${withF}) l2 JOIN ${ranked('monetary', 'ms')} c ON c.person = l2.person ORDER BY id`;
}

/**
 * ntile(5) of the 1-based rank `i` among `n`: sizes differ by one, larger tiles
 * first. Both branches of `if` are computed, so the divisor never is 0.
 */
function ntile5(i: string, n: string): SqlNode {
  const size = `intDiv(${n}, 5)`;
  const large = `(${n} - 5 * ${size})`;
  const smallStart = `(${large} * (${size} + 1))`;
  const idx = `(${i} - 1)`;
  return text(
    `if(${idx} < ${smallStart}, 1 + intDiv(${idx}, ${size} + 1), 1 + ${large} + intDiv(${idx} - ${smallStart}, greatest(${size}, 1)))`,
  );
}

import { type OffsetSpan, offsetSpans } from '../../time/offset-spans.js';
import type { QueryParameter } from '../compiled-query.js';

/**
 * The SQL tree the planners build. Nodes are frozen plain objects tagged by
 * `kind`; each has a companion with `create` and `is`. Structure that every
 * engine writes alike lives in `raw` nodes (text around child nodes); whatever
 * differs between engines (values, time zones, JSON access) is its own node so a
 * dialect can override exactly that.
 */
export type SqlNode =
  | RawNode
  | ValueNode
  | IdentifierNode
  | JsonPropertyNode
  | LocalTimeNode
  | TimeBucketNode
  | EpochMsNode
  | InstantNode
  | LocalDateTimeNode
  | FunctionNode
  | WithNode
  | CteRefNode
  | ValuesNode
  | ShiftLocalNode
  | MergedPersonNode
  | OverridesJoinNode
  | EventsTableNode
  | RecordListNode
  | RecordRowsNode
  | RecordFieldNode;

export type SqlNodeKind = SqlNode['kind'];

/** SQL text with child nodes between its parts: `parts[0] args[0] parts[1] …`. */
export interface RawNode {
  readonly kind: 'raw';
  readonly parts: readonly string[];
  readonly args: readonly SqlNode[];
}
export const RawNode = {
  create: (parts: readonly string[], args: readonly SqlNode[]): RawNode =>
    Object.freeze({
      kind: 'raw',
      parts: Object.freeze([...parts]),
      args: Object.freeze([...args]),
    }),
  is: (n: SqlNode): n is RawNode => n.kind === 'raw',
};

/** A value from the outside world: a parameter, or an escaped literal where the engine has none. */
export interface ValueNode {
  readonly kind: 'value';
  readonly value: QueryParameter;
}
export const ValueNode = {
  create: (value: QueryParameter): ValueNode => Object.freeze({ kind: 'value', value }),
  is: (n: SqlNode): n is ValueNode => n.kind === 'value',
};

export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly name: string;
}
export const IdentifierNode = {
  create: (name: string): IdentifierNode => Object.freeze({ kind: 'identifier', name }),
  is: (n: SqlNode): n is IdentifierNode => n.kind === 'identifier',
};

/** A top-level key of a JSON column, as text (NULL when missing or JSON null). */
export interface JsonPropertyNode {
  readonly kind: 'jsonProperty';
  readonly column: SqlNode;
  readonly key: string;
}
export const JsonPropertyNode = {
  create: (column: SqlNode, key: string): JsonPropertyNode =>
    Object.freeze({ kind: 'jsonProperty', column, key }),
  is: (n: SqlNode): n is JsonPropertyNode => n.kind === 'jsonProperty',
};

/**
 * The zone's offsets over the instants `[fromMs, toMs)` a query reads, so that a
 * compiler can shift those instants by a constant (or a CASE over a few DST
 * changes) instead of converting each one through the zone database, which
 * costs DuckDB about 120 ns per row.
 */
export interface LocalOffsets {
  readonly fromMs: number;
  readonly toMs: number;
  readonly spans: readonly OffsetSpan[];
}

/**
 * Past this many days a query's offsets are not precomputed: they cost one zone
 * lookup per day (about 15 ms for three years), and such ranges are rare.
 */
const MAX_OFFSET_DAYS = 1_100;

/** An instant seen as the naive wall-clock time of an IANA time zone. */
export interface LocalTimeNode {
  readonly kind: 'localTime';
  readonly instant: SqlNode;
  readonly timezone: string;
  /** Where the zone's offsets are known; instants outside still convert through the zone. */
  readonly offsets?: LocalOffsets | undefined;
}
export const LocalTimeNode = {
  /**
   * `within` names the instants the query reads (its WHERE range); the node
   * stays exact for any instant, and is fast inside it.
   */
  create: (
    instant: SqlNode,
    timezone: string,
    within?: { readonly fromMs: number; readonly toMs: number },
  ): LocalTimeNode => {
    const known =
      within !== undefined &&
      within.toMs > within.fromMs &&
      within.toMs - within.fromMs <= MAX_OFFSET_DAYS * 86_400_000;
    const offsets = known
      ? Object.freeze({
          fromMs: within.fromMs,
          toMs: within.toMs,
          spans: Object.freeze(offsetSpans(timezone, within.fromMs, within.toMs)),
        })
      : undefined;
    return Object.freeze({ kind: 'localTime', instant, timezone, offsets });
  },
  is: (n: SqlNode): n is LocalTimeNode => n.kind === 'localTime',
};

/** Truncates a naive local time to the start of its hour/day/ISO week (Monday)/month. */
export interface TimeBucketNode {
  readonly kind: 'timeBucket';
  readonly unit: 'hour' | 'day' | 'week' | 'month';
  readonly local: SqlNode;
}
export const TimeBucketNode = {
  create: (unit: TimeBucketNode['unit'], local: SqlNode): TimeBucketNode =>
    Object.freeze({ kind: 'timeBucket', unit, local }),
  is: (n: SqlNode): n is TimeBucketNode => n.kind === 'timeBucket',
};

/** Milliseconds since the epoch of an instant column, as a BIGINT. */
export interface EpochMsNode {
  readonly kind: 'epochMs';
  readonly instant: SqlNode;
}
export const EpochMsNode = {
  create: (instant: SqlNode): EpochMsNode => Object.freeze({ kind: 'epochMs', instant }),
  is: (n: SqlNode): n is EpochMsNode => n.kind === 'epochMs',
};

/** A constant instant given in epoch milliseconds (integer). */
export interface InstantNode {
  readonly kind: 'instant';
  readonly epochMs: number;
}
export const InstantNode = {
  create: (epochMs: number): InstantNode => {
    if (!Number.isSafeInteger(epochMs)) throw new RangeError(`not an epoch-ms integer: ${epochMs}`);
    return Object.freeze({ kind: 'instant', epochMs });
  },
  is: (n: SqlNode): n is InstantNode => n.kind === 'instant',
};

/** A constant naive local date-time, `YYYY-MM-DD HH:MM:SS[.sss]`, compared with `localTime` values. */
export interface LocalDateTimeNode {
  readonly kind: 'localDateTime';
  readonly text: string;
}
const LOCAL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?$/;
export const LocalDateTimeNode = {
  create: (text: string): LocalDateTimeNode => {
    if (!LOCAL.test(text)) throw new RangeError(`not a local date-time: ${text}`);
    return Object.freeze({ kind: 'localDateTime', text });
  },
  is: (n: SqlNode): n is LocalDateTimeNode => n.kind === 'localDateTime',
};

/**
 * Functions whose spelling differs between engines. Each dialect renders every
 * name (the compiler's table is typed over this union).
 * - `argMax(x, by)`, `argMin(x, by)`: x at the greatest/least `by`.
 * - `firstOf(x, k1, k2)`: x at the least (k1, k2), NULL values of x included.
 * - `quantile(x, p)`: continuous (interpolated) quantile, p a constant in [0, 1].
 * - `countDistinct(x)`, `countIf(cond)`, `boolOr(cond)`, `distinctList(x)`.
 * - `tryDouble(text)`: a number or NULL; `toText`, `toDouble`, `toBigint`, `toInteger`: casts.
 * - `nullText`, `nullDouble`, `nullBigint`, `nullJson`, `nullInstant`: typed NULLs; `emptyTextList`; `true`, `false`.
 * - `containsText(haystack, needle)`: case-insensitive for an already lower-cased needle.
 * - `regexMatch(text, re)`: RE2 search anywhere in the text.
 * - `inList(list, x)`: the person id x is one of the ids of the string list;
 *   `inTexts(list, x)`: the text x is one of the list's; `unnestTexts(list)`: one row per value;
 *   `listHas(list, x)`: x is in the list, tested row by row (engines may turn a long `IN`
 *   list into a join, which does not keep the rows' order).
 * - `lowerText(x)`: lower case, Unicode-aware.
 * - `maxIf`, `minIf`, `countDistinctIf` (x, cond): over the rows where cond holds (NULL/0 when none);
 *   `bitOrIf`, `bitOrAgg` (unfiltered), `bitCount`, `shiftLeft`: 64-bit flags; `intDiv(a, b)`: integer division.
 * - `asNullable(x)`: the same value, typed nullable where engines type NULL apart.
 */
export type FunctionName =
  | 'argMax'
  | 'argMin'
  | 'firstOf'
  | 'quantile'
  | 'countDistinct'
  | 'countIf'
  | 'boolOr'
  | 'distinctList'
  | 'tryDouble'
  | 'toText'
  | 'toDouble'
  | 'toBigint'
  | 'toInteger'
  | 'nullText'
  | 'nullDouble'
  | 'nullBigint'
  | 'nullJson'
  | 'nullInstant'
  | 'emptyTextList'
  | 'true'
  | 'false'
  | 'containsText'
  | 'regexMatch'
  | 'inList'
  | 'inTexts'
  | 'listHas'
  | 'unnestTexts'
  | 'lowerText'
  | 'maxIf'
  | 'minIf'
  | 'countDistinctIf'
  | 'bitOrIf'
  | 'bitOrAgg'
  | 'bitCount'
  | 'shiftLeft'
  | 'bitAnd'
  | 'bitOr'
  | 'intDiv'
  | 'asNullable';

export interface FunctionNode {
  readonly kind: 'fn';
  readonly name: FunctionName;
  readonly args: readonly SqlNode[];
}
export const FunctionNode = {
  create: (name: FunctionName, args: readonly SqlNode[] = []): FunctionNode =>
    Object.freeze({ kind: 'fn', name, args: Object.freeze([...args]) }),
  is: (n: SqlNode): n is FunctionNode => n.kind === 'fn',
};

/** A named subquery of a {@link WithNode}. */
export interface CommonTable {
  readonly name: string;
  readonly query: SqlNode;
  /** Ask the engine to compute it once (DuckDB's `MATERIALIZED`). */
  readonly materialized?: boolean;
}

/**
 * `WITH name AS (query), … body`. Engines without table CTEs (ClickHouse
 * 18.16) inline each {@link CteRefNode} as a subquery instead.
 */
export interface WithNode {
  readonly kind: 'with';
  readonly tables: readonly CommonTable[];
  readonly body: SqlNode;
}
export const WithNode = {
  create: (tables: readonly CommonTable[], body: SqlNode): WithNode =>
    Object.freeze({
      kind: 'with',
      tables: Object.freeze(tables.map((t) => Object.freeze({ ...t, name: plainName(t.name) }))),
      body,
    }),
  is: (n: SqlNode): n is WithNode => n.kind === 'with',
};

/** A table of the enclosing {@link WithNode} in a FROM or JOIN, under `alias` (default its name). */
export interface CteRefNode {
  readonly kind: 'cteRef';
  readonly name: string;
  readonly alias: string;
}
export const CteRefNode = {
  create: (name: string, alias: string = name): CteRefNode =>
    Object.freeze({ kind: 'cteRef', name: plainName(name), alias: plainName(alias) }),
  is: (n: SqlNode): n is CteRefNode => n.kind === 'cteRef',
};

/** A constant table in a FROM or JOIN: `alias(columns…)` with one row per entry. */
export interface ValuesNode {
  readonly kind: 'values';
  readonly alias: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly SqlNode[])[];
}
export const ValuesNode = {
  create: (alias: string, columns: readonly string[], rows: readonly (readonly SqlNode[])[]) => {
    if (rows.length === 0 || rows.some((r) => r.length !== columns.length))
      throw new RangeError('a values table needs rows with one value per column');
    return Object.freeze({
      kind: 'values',
      alias: plainName(alias),
      columns: Object.freeze(columns.map(plainName)),
      rows: Object.freeze(rows.map((r) => Object.freeze([...r]))),
    }) as ValuesNode;
  },
  is: (n: SqlNode): n is ValuesNode => n.kind === 'values',
};

/** A naive local time (a bucket start) moved by `n` days, weeks or calendar months. */
export interface ShiftLocalNode {
  readonly kind: 'shiftLocal';
  readonly local: SqlNode;
  readonly unit: 'day' | 'week' | 'month';
  readonly n: number;
}
export const ShiftLocalNode = {
  create: (local: SqlNode, unit: ShiftLocalNode['unit'], n: number): ShiftLocalNode => {
    if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer shift: ${n}`);
    return Object.freeze({ kind: 'shiftLocal', local, unit, n });
  },
  is: (n: SqlNode): n is ShiftLocalNode => n.kind === 'shiftLocal',
};

/**
 * The current (merged) person of the event row under alias `event`. Engines
 * that join `person_overrides` (alias `overrides`, see {@link OverridesJoinNode})
 * read it from the join; others look the person up without a join.
 */
export interface MergedPersonNode {
  readonly kind: 'mergedPerson';
  readonly event: string;
  readonly overrides: string;
}
export const MergedPersonNode = {
  create: (event: string, overrides: string): MergedPersonNode =>
    Object.freeze({ kind: 'mergedPerson', event, overrides }),
  is: (n: SqlNode): n is MergedPersonNode => n.kind === 'mergedPerson',
};

/** The `LEFT JOIN person_overrides` that a {@link MergedPersonNode} of the same aliases reads (empty where none is needed). */
export interface OverridesJoinNode {
  readonly kind: 'overridesJoin';
  readonly event: string;
  readonly overrides: string;
}
export const OverridesJoinNode = {
  create: (event: string, overrides: string): OverridesJoinNode =>
    Object.freeze({ kind: 'overridesJoin', event, overrides }),
  is: (n: SqlNode): n is OverridesJoinNode => n.kind === 'overridesJoin',
};

/** Names the planner makes up (tables, aliases) are written unquoted, so they must be plain. */
function plainName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new RangeError(`not a plain SQL name: ${name}`);
  return name;
}

/**
 * Which events a scan reads: all of them, or, on engines that keep events in
 * two parts (`DialectAdapter.personOrderedEvents`), the part a compaction
 * laid out in person order with merges squashed, or the part appended since.
 */
export type EventsPart = 'all' | 'sorted' | 'recent';

/**
 * The `events` table under `alias` in a FROM. `prefilter` (over the alias)
 * holds conditions the enclosing WHERE also states: engines whose events are
 * a distributed table (ClickHouse, where joins and scalar subqueries over a
 * Distributed table misbehave in 18.16) read a filtered subquery instead.
 */
export interface EventsTableNode {
  readonly kind: 'eventsTable';
  readonly alias: string;
  readonly prefilter: SqlNode;
  readonly part: EventsPart;
}
export const EventsTableNode = {
  create: (alias: string, prefilter: SqlNode, part: EventsPart = 'all'): EventsTableNode =>
    Object.freeze({ kind: 'eventsTable', alias: plainName(alias), prefilter, part }),
  is: (n: SqlNode): n is EventsTableNode => n.kind === 'eventsTable',
};

/**
 * An aggregate: the group's rows as a list of records with these fields, in
 * no particular order. Engines without named structs (ClickHouse) give each
 * record as an array of the values in field order; {@link recordFields} reads both.
 */
export interface RecordListNode {
  readonly kind: 'recordList';
  readonly fields: readonly (readonly [name: string, value: SqlNode])[];
}
export const RecordListNode = {
  create: (fields: readonly (readonly [string, SqlNode])[]): RecordListNode =>
    Object.freeze({
      kind: 'recordList',
      fields: Object.freeze(fields.map(([n, v]) => Object.freeze([plainName(n), v] as const))),
    }),
  is: (n: SqlNode): n is RecordListNode => n.kind === 'recordList',
};

/** One record of a {@link RecordListNode} result as an object, whichever form the engine gave. */
export function recordFields(
  record: unknown,
  names: readonly string[],
): Readonly<Record<string, unknown>> {
  if (Array.isArray(record)) return Object.fromEntries(names.map((n, i) => [n, record[i]]));
  return record !== null && typeof record === 'object' ? (record as Record<string, unknown>) : {};
}

/**
 * In a SELECT list: one output row per record (a list of records unnested),
 * all records with these fields. Read a field with {@link RecordFieldNode}.
 */
export interface RecordRowsNode {
  readonly kind: 'recordRows';
  readonly fields: readonly string[];
  readonly rows: readonly (readonly SqlNode[])[];
}
export const RecordRowsNode = {
  create: (fields: readonly string[], rows: readonly (readonly SqlNode[])[]): RecordRowsNode => {
    if (rows.length === 0 || rows.some((r) => r.length !== fields.length))
      throw new RangeError('records need one value per field');
    return Object.freeze({
      kind: 'recordRows',
      fields: Object.freeze(fields.map(plainName)),
      rows: Object.freeze(rows.map((r) => Object.freeze([...r]))),
    });
  },
  is: (n: SqlNode): n is RecordRowsNode => n.kind === 'recordRows',
};

/** Field `name` of a record column made by a {@link RecordRowsNode} with `fields`. */
export interface RecordFieldNode {
  readonly kind: 'recordField';
  readonly record: SqlNode;
  readonly fields: readonly string[];
  readonly name: string;
}
export const RecordFieldNode = {
  create: (record: SqlNode, fields: readonly string[], name: string): RecordFieldNode => {
    if (!fields.includes(name)) throw new RangeError(`no field ${name}`);
    return Object.freeze({ kind: 'recordField', record, fields: Object.freeze([...fields]), name });
  },
  is: (n: SqlNode): n is RecordFieldNode => n.kind === 'recordField',
};

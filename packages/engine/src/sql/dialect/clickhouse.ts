import type {
  CommonTable,
  CteRefNode,
  EpochMsNode,
  EventsTableNode,
  FunctionName,
  InstantNode,
  JsonPropertyNode,
  LocalDateTimeNode,
  LocalTimeNode,
  MergedPersonNode,
  OverridesJoinNode,
  RecordFieldNode,
  RecordListNode,
  RecordRowsNode,
  ShiftLocalNode,
  SqlNode,
  TimeBucketNode,
  ValuesNode,
  WithNode,
} from '../ast/nodes.js';
import type { CompiledQuery, QueryParameter } from '../compiled-query.js';
import { DefaultCompiler } from '../compiler/default-compiler.js';
import type { DialectAdapter } from './adapter.js';

/** What a ClickHouse server offers beyond 18.16 (Debian's package, the tested path). */
export interface ClickHouseCapabilities {
  /** `JSONExtractRaw` and friends (19.3+): exact top-level JSON keys. */
  readonly jsonFunctions: boolean;
}

export const CLICKHOUSE_18_16: ClickHouseCapabilities = Object.freeze({ jsonFunctions: false });

export const clickhouseAdapter: DialectAdapter = Object.freeze({
  name: 'clickhouse',
  hasWindowFunnel: true,
  hasQueryParameters: false,
  hasWindowFunctions: false,
  hasGroupingSets: false,
  hasInequalityJoins: false,
  hasFullJoins: false,
  hasBitCount: false,
  hasMultipleJoins: false,
  sharesWithTables: false,
  personOrderedEvents: false,
});

/**
 * ClickHouse. Values are inlined as typed literals with backslash escapes
 * (18.16 has no query parameters). Every time is an Int64 of milliseconds:
 * instants since the epoch (the events table stores them so; there is no
 * DateTime64), local times as their naive wall-clock milliseconds, so
 * comparisons, buckets and `EpochMs` need no types the engine lacks.
 */
export class ClickHouseCompiler extends DefaultCompiler {
  /** Tables of the enclosing WITH nodes, inlined where they are named (18.16 has no table CTEs). */
  #tables = new Map<string, CommonTable>();

  constructor(private readonly capabilities: ClickHouseCapabilities = CLICKHOUSE_18_16) {
    super(clickhouseAdapter);
  }

  protected override backslashEscapes(): boolean {
    return true;
  }

  /** 18.16 has no boolean literals: conditions are UInt8. */
  protected override literal(value: QueryParameter): string {
    if (typeof value === 'boolean') return value ? '1' : '0';
    return super.literal(value);
  }

  protected override functions(): Readonly<Record<FunctionName, string>> {
    return CLICKHOUSE_FUNCTIONS;
  }

  protected override visitWith(node: WithNode): void {
    const outer = this.#tables;
    this.#tables = new Map(outer);
    for (const t of node.tables) this.#tables.set(t.name, t);
    try {
      this.visit(node.body);
    } finally {
      this.#tables = outer;
    }
  }

  protected override visitCteRef(node: CteRefNode): void {
    const table = this.#tables.get(node.name);
    if (!table) throw new Error(`no table ${node.name} in the enclosing WITH`);
    this.append('(');
    this.visit(table.query);
    this.append(`) ${node.alias}`);
  }

  /** A union of one-row selects (18.16 has no VALUES table). */
  protected override visitValues(node: ValuesNode): void {
    this.append('(');
    node.rows.forEach((row, i) => {
      this.append(i > 0 ? ' UNION ALL SELECT ' : 'SELECT ');
      row.forEach((v, j) => {
        if (j > 0) this.append(', ');
        this.visit(v);
        this.append(` AS ${node.columns[j]}`);
      });
    });
    this.append(`) ${node.alias}`);
  }

  /** Local times are naive ms: days are fixed, months go through a UTC DateTime. */
  protected override visitShiftLocal(node: ShiftLocalNode): void {
    if (node.unit === 'month') {
      this.append('(toInt64(toUnixTimestamp(addMonths(toDateTime(intDiv(');
      this.visit(node.local);
      this.append(`, 1000), 'UTC'), ${node.n}))) * 1000)`);
      return;
    }
    this.append('(');
    this.visit(node.local);
    this.append(` + ${(node.unit === 'week' ? 7 : 1) * node.n * 86_400_000})`);
  }

  /**
   * 18.16 allows one JOIN per SELECT, so merged persons are looked up instead
   * of joined, by (project, old person): both arrays come from the same sorted
   * pairs, so they align, and a leading '' keeps them non-empty (`transform`
   * refuses empty arrays).
   */
  protected override visitMergedPerson(node: MergedPersonNode): void {
    const e = node.event;
    const side = (k: 1 | 2) =>
      `(SELECT arrayConcat([''], arrayMap(x -> x.${k}, arraySort(groupArray((concat(project_id, '/', old_person_id), person_id))))) FROM person_overrides)`;
    this.append(
      `transform(concat(${e}.project_id, '/', ${e}.person_id), ${side(1)}, ${side(2)}, ${e}.person_id)`,
    );
  }

  protected override visitOverridesJoin(_node: OverridesJoinNode): void {}

  protected override visitRecordRows(node: RecordRowsNode): void {
    this.append('arrayJoin([');
    node.rows.forEach((row, i) => {
      this.append(i > 0 ? ', tuple(' : 'tuple(');
      row.forEach((v, j) => {
        if (j > 0) this.append(', ');
        this.visit(v);
      });
      this.append(')');
    });
    this.append('])');
  }

  protected override visitRecordField(node: RecordFieldNode): void {
    this.append('tupleElement(');
    this.visit(node.record);
    this.append(`, ${node.fields.indexOf(node.name) + 1})`);
  }

  /** Tuples (18.16 has no named ones): records come back as arrays in field order. */
  protected override visitRecordList(node: RecordListNode): void {
    this.append('groupArray(tuple(');
    node.fields.forEach(([, value], i) => {
      if (i > 0) this.append(', ');
      this.visit(value);
    });
    this.append('))');
  }

  /**
   * A filtered subquery: over a Distributed \`events\`, 18.16 loses table
   * aliases in joins and mismatches scalar subqueries between shards, but
   * reads a plain filtered select from every shard correctly.
   */
  protected override visitEventsTable(node: EventsTableNode): void {
    if (node.part !== 'all')
      throw new Error(`ClickHouse keeps events in one part; cannot read the ${node.part} part`);
    this.append(`(SELECT * FROM events ${node.alias} WHERE `);
    this.visit(node.prefilter);
    this.append(`) ${node.alias}`);
  }

  /**
   * A top-level key as text, NULL when missing or JSON null. 18.16 has only
   * the `visitParam` functions, which find the first `"key":` at any depth and
   * cannot match keys that need JSON escaping: exact only for flat objects
   * with plain keys, which is what capture sends as event properties.
   */
  protected override visitJsonProperty(node: JsonPropertyNode): void {
    const key = this.literal(node.key);
    // A NULL column (an unmatched LEFT JOIN) would make the conditions NULL and fall through.
    const col = () => {
      this.append('ifNull(');
      this.visit(node.column);
      this.append(", '')");
    };
    if (this.capabilities.jsonFunctions) {
      this.append('multiIf(JSONType(');
      col();
      this.append(`, ${key}) IN ('Null', 'Undefined'), NULL, JSONType(`);
      col();
      this.append(`, ${key}) = 'String', JSONExtractString(`);
      col();
      this.append(`, ${key}), JSONExtractRaw(`);
      col();
      this.append(`, ${key}))`);
      return;
    }
    this.append('multiIf(NOT visitParamHas(');
    col();
    this.append(`, ${key}) OR visitParamExtractRaw(`);
    col();
    // 18.16's raw extraction returns '' for a string ending in an escaped
    // backslash; a present value is never empty JSON, so '' means a string.
    this.append(`, ${key}) = 'null', NULL, substring(visitParamExtractRaw(`);
    col();
    this.append(`, ${key}), 1, 1) IN ('"', ''), visitParamExtractString(`);
    col();
    this.append(`, ${key}), visitParamExtractRaw(`);
    col();
    this.append(`, ${key}))`);
  }

  /** Naive wall-clock ms: the local date-time text read back as if it were UTC. */
  protected override visitLocalTime(node: LocalTimeNode): void {
    const ms = () => this.visit(node.instant);
    this.append('(toInt64(toUnixTimestamp(toString(toDateTime(intDiv(');
    ms();
    this.append(`, 1000), ${this.literal(node.timezone)})), 'UTC')) * 1000 + (`);
    ms();
    this.append(') % 1000)');
  }

  /** Buckets of naive ms, computed in UTC (naive values carry no zone). */
  protected override visitTimeBucket(node: TimeBucketNode): void {
    const start = {
      hour: 'toStartOfHour(toDateTime(',
      day: 'toDateTime(toDate(toDateTime(',
      week: 'toDateTime(toMonday(toDateTime(',
      month: 'toDateTime(toStartOfMonth(toDateTime(',
    }[node.unit];
    const close = node.unit === 'hour' ? ')' : "), 'UTC')";
    this.append(`(toInt64(toUnixTimestamp(${start}intDiv(`);
    this.visit(node.local);
    this.append(`, 1000), 'UTC')${close})) * 1000)`);
  }

  /** Times are already ms. */
  protected override visitEpochMs(node: EpochMsNode): void {
    this.visit(node.instant);
  }

  protected override visitInstant(node: InstantNode): void {
    this.append(`toInt64(${node.epochMs})`);
  }

  protected override visitLocalDateTime(node: LocalDateTimeNode): void {
    const ms = Date.parse(`${node.text.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ms)) throw new RangeError(`not a local date-time: ${node.text}`);
    this.append(`toInt64(${ms})`);
  }
}

/** Exact interpolated quantile of a group (18.16's `quantile` samples and `quantileExact` does not interpolate). */
const SORTED = 'arraySort(groupArray(toFloat64($0)))';
const POS = `($1 * (length(${SORTED}) - 1))`;
const AT = (i: string) => `${SORTED}[toUInt64(${i}(${POS})) + 1]`;

const CLICKHOUSE_FUNCTIONS: Readonly<Record<FunctionName, string>> = Object.freeze({
  argMax: 'argMax($0, $1)',
  argMin: 'argMin($0, $1)',
  // In a tuple, a NULL value is kept (aggregates skip NULL arguments).
  firstOf: 'argMin(tuple($0), ($1, $2)).1',
  quantile: `if(empty(${SORTED}), NULL, ${AT('floor')} + (${POS} - floor(${POS})) * (${AT('ceil')} - ${AT('floor')}))`,
  countDistinct: 'count(DISTINCT $0)',
  countIf: 'countIf($0)',
  boolOr: 'max($0)',
  distinctList: 'groupUniqArray($0)',
  tryDouble: 'toFloat64OrNull($0)',
  toText: 'toString($0)',
  toDouble: 'toFloat64($0)',
  toBigint: 'toInt64($0)',
  toInteger: 'toInt32($0)',
  nullText: 'CAST(NULL AS Nullable(String))',
  nullDouble: 'CAST(NULL AS Nullable(Float64))',
  nullBigint: 'CAST(NULL AS Nullable(Int64))',
  nullJson: 'CAST(NULL AS Nullable(String))',
  nullInstant: 'CAST(NULL AS Nullable(Int64))',
  emptyTextList: 'emptyArrayString()',
  true: '1',
  false: '0',
  containsText: '(position(lowerUTF8($0), $1) > 0)',
  regexMatch: 'match($0, $1)',
  inList: '($1 IN (SELECT arrayJoin($0)))',
  inTexts: '($1 IN (SELECT arrayJoin($0)))',
  listHas: 'has($0, $1)',
  unnestTexts: 'arrayJoin($0)',
  lowerText: 'lowerUTF8($0)',
  // -If aggregates give the type's default, not NULL, when no row matches.
  maxIf: 'if(countIf($1) = 0, NULL, maxIf($0, $1))',
  minIf: 'if(countIf($1) = 0, NULL, minIf($0, $1))',
  countDistinctIf: 'uniqExactIf($0, $1)',
  bitOrIf: 'groupBitOrIf(toUInt64($0), $1)',
  bitOrAgg: 'groupBitOr(toUInt64($0))',
  // 18.16 has no bitCount; adapters say so (`hasBitCount`), and planners avoid it.
  bitCount: 'arraySum(arrayMap(i -> bitTest(toUInt64($0), i), range(64)))',
  shiftLeft: 'bitShiftLeft($0, $1)',
  bitAnd: 'bitAnd($0, $1)',
  bitOr: 'bitOr($0, $1)',
  intDiv: 'intDiv($0, $1)',
  asNullable: 'toNullable($0)',
});

export function compileClickHouse(
  node: SqlNode,
  capabilities: ClickHouseCapabilities = CLICKHOUSE_18_16,
): CompiledQuery {
  return new ClickHouseCompiler(capabilities).compile(node);
}

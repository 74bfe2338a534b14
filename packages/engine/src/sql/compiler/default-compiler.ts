import { UNIT_MS } from '../../time/units.js';
import {
  type CteRefNode,
  type EpochMsNode,
  type EventsTableNode,
  type FunctionName,
  type FunctionNode,
  type IdentifierNode,
  InstantNode,
  type JsonPropertyNode,
  type LocalDateTimeNode,
  LocalTimeNode,
  type MergedPersonNode,
  type OverridesJoinNode,
  type RawNode,
  type RecordFieldNode,
  type RecordListNode,
  type RecordRowsNode,
  type ShiftLocalNode,
  type SqlNode,
  type SqlNodeKind,
  TimeBucketNode,
  type ValueNode,
  type ValuesNode,
  type WithNode,
} from '../ast/nodes.js';
import type { CompiledQuery, QueryParameter } from '../compiled-query.js';
import type { DialectAdapter } from '../dialect/adapter.js';
import { inlineLiteral, quoteIdentifier } from './literals.js';

type Visitors = { [K in SqlNodeKind]: (node: Extract<SqlNode, { kind: K }>) => void };

/**
 * Turns a SQL tree into text and parameters. Dialects subclass it and
 * override the few hooks where engines differ. The visitor table is typed
 * over every node kind, so adding a kind without a visitor fails the build.
 */
export class DefaultCompiler {
  #sql = '';
  #params: QueryParameter[] = [];
  readonly #visitors: Visitors = {
    raw: (n) => this.visitRaw(n),
    value: (n) => this.visitValue(n),
    identifier: (n) => this.visitIdentifier(n),
    jsonProperty: (n) => this.visitJsonProperty(n),
    localTime: (n) => this.visitLocalTime(n),
    timeBucket: (n) => this.visitTimeBucket(n),
    epochMs: (n) => this.visitEpochMs(n),
    instant: (n) => this.visitInstant(n),
    localDateTime: (n) => this.visitLocalDateTime(n),
    fn: (n) => this.visitFunction(n),
    with: (n) => this.visitWith(n),
    cteRef: (n) => this.visitCteRef(n),
    values: (n) => this.visitValues(n),
    shiftLocal: (n) => this.visitShiftLocal(n),
    mergedPerson: (n) => this.visitMergedPerson(n),
    overridesJoin: (n) => this.visitOverridesJoin(n),
    eventsTable: (n) => this.visitEventsTable(n),
    recordList: (n) => this.visitRecordList(n),
    recordRows: (n) => this.visitRecordRows(n),
    recordField: (n) => this.visitRecordField(n),
  };

  constructor(protected readonly adapter: DialectAdapter) {}

  compile(node: SqlNode): CompiledQuery {
    this.#sql = '';
    this.#params = [];
    this.visit(node);
    return Object.freeze({ sql: this.#sql, parameters: Object.freeze([...this.#params]) });
  }

  protected visit(node: SqlNode): void {
    (this.#visitors[node.kind] as (n: SqlNode) => void)(node);
  }

  protected append(s: string): void {
    this.#sql += s;
  }

  /** Adds a value: as a parameter placeholder, or inlined when the engine has no parameters. */
  protected appendValue(value: QueryParameter): void {
    if (this.adapter.hasQueryParameters) {
      this.#params.push(value);
      this.append(this.placeholder(this.#params.length));
    } else {
      this.append(this.literal(value));
    }
  }

  /** Always inlines (used for values the engine needs as constants, e.g. JSON paths). */
  protected literal(value: QueryParameter): string {
    return inlineLiteral(value, { backslashEscapes: this.backslashEscapes() });
  }

  protected backslashEscapes(): boolean {
    return false;
  }

  protected placeholder(index: number): string {
    return `$${index}`;
  }

  protected visitRaw(node: RawNode): void {
    node.parts.forEach((part, i) => {
      this.append(part);
      const arg = node.args[i];
      if (arg !== undefined) this.visit(arg);
    });
  }

  protected visitValue(node: ValueNode): void {
    this.appendValue(node.value);
  }

  protected visitIdentifier(node: IdentifierNode): void {
    this.append(node.name.split('.').map(quoteIdentifier).join('.'));
  }

  /** JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`; the path is a constant literal. */
  protected visitJsonProperty(node: JsonPropertyNode): void {
    this.append('json_extract_string(');
    this.visit(node.column);
    const pointer = `/${node.key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    this.append(`, ${this.literal(pointer)})`);
  }

  /**
   * Inside the instants whose offsets the plan computed, the wall clock is the
   * instant shifted by its span's offset (`make_timestamp` of microseconds, so
   * nothing is rounded); only instants outside go through ICU's `timezone()`.
   */
  protected visitLocalTime(node: LocalTimeNode): void {
    if (!node.offsets) {
      this.visitZoneConversion(node);
      return;
    }
    this.visitShiftedInRange(node, node.offsets, 'us', undefined, () =>
      this.visitZoneConversion(node),
    );
  }

  /**
   * Inside the offsets' range, the instant shifted by the zone's offset (a
   * constant, or a CASE over the offset changes in the range) in epoch `unit`:
   * `us` feeds `make_timestamp`, `ms` is the wall clock as a number. Outside,
   * `outside` (the zone conversion through ICU).
   */
  private visitShiftedInRange(
    node: LocalTimeNode,
    o: NonNullable<LocalTimeNode['offsets']>,
    unit: 'us' | 'ms',
    grid: FixedGrid | undefined,
    outside: () => void,
  ): void {
    const x = () => this.visit(node.instant);
    const epoch = () => {
      this.append(`epoch_${unit}(`);
      x();
      this.append(')');
    };
    this.append('CASE WHEN ');
    x();
    this.append(' >= ');
    this.visit(InstantNode.create(o.fromMs));
    this.append(' AND ');
    x();
    this.append(' < ');
    this.visit(InstantNode.create(o.toMs));
    this.append(unit === 'us' ? ' THEN make_timestamp(' : ' THEN (');
    // On a fixed grid, the start of the bucket: whole widths from an origin on it.
    if (grid) this.append('((');
    epoch();
    this.append(' + ');
    const [first, ...later] = o.spans;
    const scaled = (ms: number) => `${Math.trunc(ms) * (unit === 'us' ? 1000 : 1)}`;
    if (later.length === 0) this.append(scaled(first?.offset ?? 0));
    else {
      this.append('CASE');
      for (const s of [...later].reverse()) {
        this.append(' WHEN ');
        epoch();
        this.append(` >= ${scaled(s.from)} THEN ${scaled(s.offset)}`);
      }
      this.append(` ELSE ${scaled(first?.offset ?? 0)} END`);
    }
    if (grid) this.append(` - ${grid.origin}) // ${grid.width}) * ${grid.width} + ${grid.origin}`);
    this.append(') ELSE ');
    outside();
    this.append(' END');
  }

  protected visitZoneConversion(node: LocalTimeNode): void {
    this.append(`timezone(${this.literal(node.timezone)}, `);
    this.visit(node.instant);
    this.append(')');
  }

  protected visitTimeBucket(node: TimeBucketNode): void {
    this.append(`date_trunc(${this.literal(node.unit)}, `);
    this.visit(node.local);
    this.append(')');
  }

  protected visitEpochMs(node: EpochMsNode): void {
    const local = node.instant;
    if (LocalTimeNode.is(local) && local.offsets) {
      // The wall clock in ms is the instant's ms plus the offset: no timestamp is built.
      this.visitShiftedInRange(local, local.offsets, 'ms', undefined, () => {
        this.append('epoch_ms(');
        this.visitZoneConversion(local);
        this.append(')');
      });
      return;
    }
    const grid = fixedGrid(local);
    if (grid) {
      // Hours, days and weeks are whole widths of wall-clock ms: the bucket's
      // start is arithmetic on the shifted ms, no timestamp built or truncated.
      const { time, offsets } = grid;
      this.visitShiftedInRange(time, offsets, 'ms', grid, () => {
        this.append('epoch_ms(');
        this.visitTimeBucket(
          TimeBucketNode.create(grid.unit, LocalTimeNode.create(time.instant, time.timezone)),
        );
        this.append(')');
      });
      return;
    }
    this.append('epoch_ms(');
    this.visit(local);
    this.append(')');
  }

  protected visitInstant(node: InstantNode): void {
    this.append(`(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(${node.epochMs}))`);
  }

  protected visitLocalDateTime(node: LocalDateTimeNode): void {
    this.append(`TIMESTAMP ${this.literal(node.text)}`);
  }

  /**
   * How each named function is written: `$0`, `$1` … stand for its arguments.
   * Dialects override entries by spreading this table.
   */
  protected functions(): Readonly<Record<FunctionName, string>> {
    return DUCKDB_FUNCTIONS;
  }

  protected visitFunction(node: FunctionNode): void {
    const template = this.functions()[node.name];
    for (const piece of template.split(/(\$\d)/)) {
      const m = /^\$(\d)$/.exec(piece);
      if (!m) {
        this.append(piece);
        continue;
      }
      const arg = node.args[Number(m[1])];
      if (!arg) throw new Error(`${node.name} needs argument ${m[1]}`);
      this.visit(arg);
    }
  }

  protected visitWith(node: WithNode): void {
    this.append('WITH ');
    node.tables.forEach((t, i) => {
      this.append(`${i > 0 ? ', ' : ''}${t.name} AS ${t.materialized ? 'MATERIALIZED ' : ''}(`);
      this.visit(t.query);
      this.append(')');
    });
    this.append(' ');
    this.visit(node.body);
  }

  protected visitCteRef(node: CteRefNode): void {
    this.append(node.name);
    if (node.alias !== node.name) this.append(` ${node.alias}`);
  }

  protected visitValues(node: ValuesNode): void {
    this.append('(VALUES ');
    node.rows.forEach((row, i) => {
      this.append(i > 0 ? ', (' : '(');
      row.forEach((v, j) => {
        if (j > 0) this.append(', ');
        this.visit(v);
      });
      this.append(')');
    });
    this.append(`) ${node.alias}(${node.columns.join(', ')})`);
  }

  protected visitShiftLocal(node: ShiftLocalNode): void {
    const n = Math.abs(node.n);
    const interval =
      node.unit === 'month'
        ? `INTERVAL ${n} MONTH`
        : `INTERVAL ${node.unit === 'week' ? 7 * n : n} DAY`;
    this.append('(');
    this.visit(node.local);
    this.append(` ${node.n < 0 ? '-' : '+'} ${interval})`);
  }

  protected visitMergedPerson(node: MergedPersonNode): void {
    this.append(`coalesce(${node.overrides}.person_id, ${node.event}.person_id)`);
  }

  protected visitRecordList(node: RecordListNode): void {
    this.append('list(struct_pack(');
    node.fields.forEach(([name, value], i) => {
      this.append(`${i > 0 ? ', ' : ''}${name} := `);
      this.visit(value);
    });
    this.append('))');
  }

  protected visitRecordRows(node: RecordRowsNode): void {
    this.append('unnest([');
    node.rows.forEach((row, i) => {
      this.append(i > 0 ? ', {' : '{');
      row.forEach((v, j) => {
        this.append(`${j > 0 ? ', ' : ''}${node.fields[j]}: `);
        this.visit(v);
      });
      this.append('}');
    });
    this.append('])');
  }

  protected visitRecordField(node: RecordFieldNode): void {
    this.append('struct_extract(');
    this.visit(node.record);
    this.append(`, ${this.literal(node.name)})`);
  }

  protected visitEventsTable(node: EventsTableNode): void {
    const table = { all: 'events', sorted: 'events_sorted', recent: 'events_recent' }[node.part];
    this.append(`${table} ${node.alias}`);
  }

  protected visitOverridesJoin(node: OverridesJoinNode): void {
    const o = node.overrides;
    const e = node.event;
    this.append(
      ` LEFT JOIN person_overrides ${o} ON ${o}.project_id = ${e}.project_id AND ${o}.old_person_id = ${e}.person_id`,
    );
  }
}

/** DuckDB's spelling, the default. */
const DUCKDB_FUNCTIONS: Readonly<Record<FunctionName, string>> = Object.freeze({
  argMax: 'arg_max($0, $1)',
  argMin: 'arg_min($0, $1)',
  firstOf: 'list($0 ORDER BY $1, $2)[1]',
  quantile: 'quantile_cont($0, $1)',
  countDistinct: 'count(DISTINCT $0)',
  countIf: 'count(*) FILTER (WHERE $0)',
  boolOr: 'bool_or($0)',
  distinctList: 'list(DISTINCT $0)',
  tryDouble: 'TRY_CAST($0 AS DOUBLE)',
  toText: '($0)::VARCHAR',
  toDouble: '($0)::DOUBLE',
  toBigint: '($0)::BIGINT',
  toInteger: '($0)::INTEGER',
  nullText: 'NULL::VARCHAR',
  nullDouble: 'NULL::DOUBLE',
  nullBigint: 'NULL::BIGINT',
  nullJson: 'NULL::JSON',
  nullInstant: 'NULL::TIMESTAMPTZ',
  emptyTextList: '[]::VARCHAR[]',
  true: 'true',
  false: 'false',
  containsText: 'contains(lower($0), $1)',
  regexMatch: 'regexp_matches($0, $1)',
  inList: '$1 IN (SELECT unnest($0::VARCHAR[])::UUID)',
  inTexts: '$1 IN (SELECT unnest($0::VARCHAR[]))',
  listHas: 'list_contains($0, $1)',
  unnestTexts: 'unnest($0::VARCHAR[])',
  lowerText: 'lower($0)',
  maxIf: 'max($0) FILTER (WHERE $1)',
  minIf: 'min($0) FILTER (WHERE $1)',
  countDistinctIf: 'count(DISTINCT $0) FILTER (WHERE $1)',
  bitOrIf: 'bit_or($0) FILTER (WHERE $1)',
  bitOrAgg: 'bit_or($0)',
  bitCount: 'bit_count($0)',
  shiftLeft: '($0 << $1)',
  bitAnd: '($0 & $1)',
  bitOr: '($0 | $1)',
  intDiv: '($0 // $1)',
  asNullable: '$0',
});

/** A bucket of fixed width on the wall clock, counted from an origin that starts one. */
interface FixedGrid {
  readonly unit: 'hour' | 'day' | 'week';
  readonly width: number;
  readonly origin: number;
  /** The bucketed local time and the offsets it carries. */
  readonly time: LocalTimeNode;
  readonly offsets: NonNullable<LocalTimeNode['offsets']>;
}

/** 1970-01-05, a Monday: ISO weeks start on it. */
const MONDAY = 4 * UNIT_MS.day;

/**
 * The fixed grid of an hour/day/week bucket of a local time with offsets,
 * when its range starts after the week origin (integer division truncates,
 * so the shifted ms must stay positive to floor); months have no fixed width.
 */
function fixedGrid(node: SqlNode): FixedGrid | undefined {
  if (!TimeBucketNode.is(node) || node.unit === 'month') return undefined;
  const time = node.local;
  if (!LocalTimeNode.is(time) || !time.offsets) return undefined;
  const offsets = time.offsets;
  const lowest = Math.min(0, ...offsets.spans.map((s) => s.offset));
  if (offsets.fromMs + lowest < MONDAY) return undefined;
  const unit = node.unit;
  return { unit, width: UNIT_MS[unit], origin: unit === 'week' ? MONDAY : 0, time, offsets };
}

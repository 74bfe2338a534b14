import type {
  EpochMsNode,
  IdentifierNode,
  InstantNode,
  JsonPropertyNode,
  LocalDateTimeNode,
  LocalTimeNode,
  RawNode,
  SqlNode,
  SqlNodeKind,
  TimeBucketNode,
  ValueNode,
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

  protected visitLocalTime(node: LocalTimeNode): void {
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
    this.append('epoch_ms(');
    this.visit(node.instant);
    this.append(')');
  }

  protected visitInstant(node: InstantNode): void {
    this.append(`(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds(${node.epochMs}))`);
  }

  protected visitLocalDateTime(node: LocalDateTimeNode): void {
    this.append(`TIMESTAMP ${this.literal(node.text)}`);
  }
}

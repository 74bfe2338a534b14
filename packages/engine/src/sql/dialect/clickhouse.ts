import type {
  EpochMsNode,
  InstantNode,
  JsonPropertyNode,
  LocalDateTimeNode,
  LocalTimeNode,
  SqlNode,
  TimeBucketNode,
} from '../ast/nodes.js';
import type { CompiledQuery } from '../compiled-query.js';
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
});

/**
 * ClickHouse. Values are inlined as typed literals with backslash escapes
 * (18.16 has no query parameters). Every time is an Int64 of milliseconds:
 * instants since the epoch (the events table stores them so; there is no
 * DateTime64), local times as their naive wall-clock milliseconds, so
 * comparisons, buckets and `EpochMs` need no types the engine lacks.
 */
export class ClickHouseCompiler extends DefaultCompiler {
  constructor(private readonly capabilities: ClickHouseCapabilities = CLICKHOUSE_18_16) {
    super(clickhouseAdapter);
  }

  protected override backslashEscapes(): boolean {
    return true;
  }

  /**
   * A top-level key as text, NULL when missing or JSON null. 18.16 has only
   * the `visitParam` functions, which find the first `"key":` at any depth and
   * cannot match keys that need JSON escaping: exact only for flat objects
   * with plain keys, which is what capture sends as event properties.
   */
  protected override visitJsonProperty(node: JsonPropertyNode): void {
    const key = this.literal(node.key);
    const col = () => this.visit(node.column);
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
    this.append(`, ${key}) = 'null', NULL, substring(visitParamExtractRaw(`);
    col();
    this.append(`, ${key}), 1, 1) = '"', visitParamExtractString(`);
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

export function compileClickHouse(
  node: SqlNode,
  capabilities: ClickHouseCapabilities = CLICKHOUSE_18_16,
): CompiledQuery {
  return new ClickHouseCompiler(capabilities).compile(node);
}

import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { inlineLiteral, type QueryParameter } from '@opsloop/engine';

/** A value as a ClickHouse literal: typed and escaped (18.16 has no query parameters). */
export const lit = (v: QueryParameter): string => inlineLiteral(v, { backslashEscapes: true });

/**
 * Settings on every statement. `join_use_nulls` makes an unmatched LEFT JOIN
 * column NULL (ClickHouse's default is the type's default value, which would
 * break `coalesce(o.person_id, e.person_id)`); 64-bit integers come back as
 * JSON numbers; literal lists (a dedup probe) may be long.
 */
const SETTINGS = {
  join_use_nulls: 1,
  output_format_json_quote_64bit_integers: 0,
  max_query_size: '268435456',
  // A dedup probe lists up to a flush's uuids (50k per statement; the default caps a query at
  // 50k AST elements).
  max_ast_elements: '1000000',
  max_expanded_ast_elements: '1000000',
  // Keeps a long query's connection busy, so idle timeouts on the way do not cut it.
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: '10000',
} as const;

export interface ServerAddress {
  /** `http://host:port` (or https) of the server's HTTP interface. */
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** One ClickHouse server: plain statements, JSON rows out, JSONEachRow in. */
export class Server {
  private readonly client: ClickHouseClient;

  constructor(
    readonly address: ServerAddress,
    database: string,
  ) {
    this.client = createClient({
      url: address.url,
      database,
      ...(address.username ? { username: address.username } : {}),
      ...(address.password ? { password: address.password } : {}),
      request_timeout: 300_000,
      // Failures reach the caller as errors; the client's own logging would print them twice.
      log: { level: ClickHouseLogLevel.OFF },
      clickhouse_settings: SETTINGS,
    });
  }

  async rows<Row>(query: string): Promise<Row[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  async run(query: string, settings: Record<string, string | number> = {}): Promise<void> {
    await this.client.command({ query, clickhouse_settings: settings });
  }

  async insert(table: string, values: readonly object[], settings: Record<string, number> = {}) {
    if (values.length === 0) return;
    await this.client.insert({
      table,
      values: values as object[],
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
  }

  /**
   * Waits until the database's mutations (`ALTER … DELETE`) are applied: 18.16
   * runs them in the background and has no `mutations_sync`.
   */
  async settleMutations(): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = await this.rows<{ n: number }>(
        'SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0',
      );
      if (Number(row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new Error(`mutations on ${this.address.url} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

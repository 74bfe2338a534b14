import { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ServerAddress } from '../events/clickhouse/servers.js';

/**
 * Inserts rows that are already JSONEachRow text into one ClickHouse server.
 * The event store's client takes row objects and serialises each; a copy
 * gets its lines ready-made from DuckDB (`json_object`), so sending them as
 * they are saves building and stringifying an object per row.
 */
export class JsonLinesWriter {
  private readonly client: ClickHouseClient;

  constructor(address: ServerAddress, database: string) {
    this.client = createClient({
      url: address.url,
      database,
      ...(address.username ? { username: address.username } : {}),
      ...(address.password ? { password: address.password } : {}),
      request_timeout: 300_000,
      // Failures reach the caller as errors; the client's own logging would print them twice.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** Sends `body` (one JSON object per line) as one INSERT; resolves once the server has it. */
  async insert(table: string, body: string, settings: Record<string, number> = {}): Promise<void> {
    if (body === '') return;
    const result = await this.client.exec({
      query: `INSERT INTO ${table} FORMAT JSONEachRow`,
      values: Readable.from([body], { objectMode: false }),
      clickhouse_settings: settings,
    });
    // An INSERT answers nothing; the response must still be read to free the socket.
    result.stream.resume();
    await new Promise<void>((resolve, reject) => {
      result.stream.once('end', resolve);
      result.stream.once('close', resolve);
      result.stream.once('error', reject);
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

import { DuckDBInstance, timestampTZValue } from '@duckdb/node-api';
import type { ColumnChunk, CompiledQuery } from '@opsloop/engine';
import { EVENTS_DDL } from '../../events/duckdb/ddl.js';
import { toDuckDBParameter, toJsonSafe } from '../../events/duckdb/values.js';
import { streamDuckDbChunks } from '../duckdb-chunks.js';
import type { AnalyticsSource } from '../run-query.js';

/** An event row for tests; omitted columns are NULL. */
export interface TestEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  readonly personId: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly url?: string | null;
  readonly browser?: string | null;
}
export interface TestPerson {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly version?: number;
}
export interface TestData {
  readonly projectId: string;
  readonly events: readonly TestEvent[];
  readonly persons?: readonly TestPerson[];
  /** old person → current person, flat. */
  readonly overrides?: readonly { readonly oldPersonId: string; readonly personId: string }[];
  /** Rows of `person_distinct_ids`. */
  readonly distinctIds?: readonly { readonly distinctId: string; readonly personId: string }[];
}

/**
 * An in-memory DuckDB with the event tables, loaded directly (no pipeline),
 * that executes compiled queries like the embedded event store: session
 * TimeZone UTC, parameters bound, rows made JSON-safe.
 */
export class MemoryDuckDb implements AnalyticsSource {
  readonly dialect = 'duckdb' as const;
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  ) {}

  static async open(): Promise<MemoryDuckDb> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    for (const ddl of EVENTS_DDL) await conn.run(ddl);
    return new MemoryDuckDb(instance, conn);
  }

  async load(data: TestData): Promise<void> {
    await this.conn.run('DELETE FROM events');
    await this.conn.run('DELETE FROM persons');
    await this.conn.run('DELETE FROM person_overrides');
    await this.conn.run('DELETE FROM person_distinct_ids');
    const p = data.projectId;
    for (const e of data.events) {
      const ts = timestampTZValue(BigInt(e.timestamp) * 1000n);
      await this.conn.run(
        `INSERT INTO events (project_id, uuid, event, distinct_id, person_id, timestamp, received_at, properties, url, browser)
         VALUES ($1, $2::UUID, $3, $4, $5::UUID, $6, $6, $7::JSON, $8, $9)`,
        [
          p,
          e.uuid,
          e.event,
          e.distinctId,
          e.personId,
          ts,
          JSON.stringify(e.properties ?? {}),
          e.url ?? null,
          e.browser ?? null,
        ],
      );
    }
    for (const person of data.persons ?? []) {
      const ts = timestampTZValue(0n);
      await this.conn.run('INSERT INTO persons VALUES ($1, $2::UUID, $3::JSON, true, $4, $5)', [
        p,
        person.id,
        JSON.stringify(person.properties),
        ts,
        person.version ?? 1,
      ]);
    }
    for (const o of data.overrides ?? []) {
      await this.conn.run('INSERT INTO person_overrides VALUES ($1, $2::UUID, $3::UUID)', [
        p,
        o.oldPersonId,
        o.personId,
      ]);
    }
    for (const d of data.distinctIds ?? []) {
      await this.conn.run('INSERT INTO person_distinct_ids VALUES ($1, $2, $3::UUID)', [
        p,
        d.distinctId,
        d.personId,
      ]);
    }
  }

  async execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]> {
    const reader = await this.conn.runAndReadAll(
      query.sql,
      query.parameters.map(toDuckDBParameter),
    );
    return reader.getRowObjectsJS().map((r) => toJsonSafe(r) as Row);
  }

  executeChunks(query: CompiledQuery, onChunk: (chunk: ColumnChunk) => void): Promise<void> {
    return streamDuckDbChunks(this.conn, query, onChunk);
  }

  /** The plan DuckDB would run, to check that SQL binds against the real tables. */
  async explain(query: CompiledQuery): Promise<string> {
    const reader = await this.conn.runAndReadAll(
      `EXPLAIN ${query.sql}`,
      query.parameters.map(toDuckDBParameter),
    );
    return reader
      .getRowObjectsJS()
      .map((r) => String(r['explain_value'] ?? ''))
      .join('\n');
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

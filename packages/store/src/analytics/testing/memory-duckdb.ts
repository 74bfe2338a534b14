import { DuckDBInstance, timestampTZValue } from '@duckdb/node-api';
import type { ColumnChunk, CompiledQuery } from '@opsloop/engine';
import { compactEvents } from '../../events/duckdb/compact.js';
import { EVENT_TABLES, EVENTS_DDL } from '../../events/duckdb/ddl.js';
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

/** Where a test load compacts: after its first `events` events, with these merges known. */
export interface TestCompaction {
  readonly events: number;
  readonly overrides: TestData['overrides'];
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

  /**
   * Replaces the tables' rows with `data`. With `compaction`, its first
   * `events` events and its `overrides` (the merges known then) are loaded and
   * compacted into the sorted part first; the other events then go to the
   * recent part and the overrides become `data`'s.
   */
  async load(data: TestData, compaction?: TestCompaction): Promise<void> {
    for (const table of [
      ...EVENT_TABLES,
      'sorted_persons',
      'squashed_overrides',
      'persons',
      'person_distinct_ids',
    ])
      await this.conn.run(`DELETE FROM ${table}`);
    if (compaction) {
      await this.insertEvents(data.projectId, data.events.slice(0, compaction.events));
      await this.setOverrides(data.projectId, compaction.overrides);
      await compactEvents(this.conn);
      await this.insertEvents(data.projectId, data.events.slice(compaction.events));
    } else {
      await this.insertEvents(data.projectId, data.events);
    }
    await this.setOverrides(data.projectId, data.overrides ?? []);
    const p = data.projectId;
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
    for (const d of data.distinctIds ?? []) {
      await this.conn.run('INSERT INTO person_distinct_ids VALUES ($1, $2, $3::UUID)', [
        p,
        d.distinctId,
        d.personId,
      ]);
    }
  }

  private async insertEvents(p: string, events: readonly TestEvent[]): Promise<void> {
    for (const e of events) {
      const ts = timestampTZValue(BigInt(e.timestamp) * 1000n);
      await this.conn.run(
        `INSERT INTO events_recent (project_id, uuid, event, distinct_id, person_id, timestamp, received_at, properties, url, browser)
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
  }

  private async setOverrides(p: string, overrides: TestData['overrides'] = []): Promise<void> {
    await this.conn.run('DELETE FROM person_overrides');
    for (const o of overrides) {
      await this.conn.run('INSERT INTO person_overrides VALUES ($1, $2::UUID, $3::UUID)', [
        p,
        o.oldPersonId,
        o.personId,
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

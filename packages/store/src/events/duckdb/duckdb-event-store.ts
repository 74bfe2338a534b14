import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CompiledQuery } from '@opsloop/engine';
import { type ChunkHandler, readChunks } from '../../analytics/duckdb-chunks.js';
import {
  defaultFunnelThreads,
  FunnelThreadPool,
} from '../../analytics/funnel-threads/funnel-thread-pool.js';
import { encodeEventRows, FIELD_SEPARATOR } from '../../spool/event-rows.js';
import {
  type EncodedEvents,
  type EventKey,
  type EventParts,
  type EventStore,
  eventKey,
  type IdentityMirror,
  type StoredEvent,
  type TimeRange,
} from '../event-store.js';
import { applyMirror } from './apply-mirror.js';
import { type CompactionResult, compactEvents } from './compact.js';
import { EVENT_TABLES, EVENTS_DDL, upgradeEventTables } from './ddl.js';
import { EXPORT_COLUMNS, rowToEvent } from './export-rows.js';
import { loadRows, type RowLoading } from './load-rows.js';
import { flattenMirrors } from './mirror.js';
import { ScratchDir } from './scratch-dir.js';
import { Serial } from './serial.js';
import { instant, toDuckDBParameter, toJsonSafe } from './values.js';

/** Another process holds the DuckDB file (DuckDB allows one read-write process per file). */
export class EventStoreLockedError extends Error {
  override readonly name = 'EventStoreLockedError';
}

export interface DuckDBEventStoreOptions {
  /**
   * Encoded rows of at least this many characters are loaded through
   * temporary files that DuckDB's CSV reader splits (`loadRowsFromFile`: far
   * less memory than one huge string parameter split into lists); shorter ones
   * go in as that one string (two files cost more than they save on a few rows).
   */
  readonly fileLoadFromChars?: number;
  /** Called after each committed write with where its time went (for profiling). */
  readonly onWrite?: (timing: WriteTiming) => void;
  /**
   * Threads, besides the one reading the results, that take a share of a
   * streamed funnel's per-person pass; 0 keeps it on the reading thread.
   * Default: one fewer than the machine's cores, at most three.
   */
  readonly funnelThreads?: number;
}

/** Milliseconds spent by one `writeEncoded`, by phase. */
export interface WriteTiming {
  readonly events: number;
  readonly loadMs: number;
  readonly mirrorMs: number;
  readonly commitMs: number;
}

/** About 3k spooled events; a flush of a few rows stays inline. Not tuned finely. */
const FILE_LOAD_FROM_CHARS = 1_000_000;

/** A retried event may carry a slightly different (skew-corrected) timestamp. */
const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const EXPORT_PAGE = 10_000;

/**
 * The embedded event store: one DuckDB file per data directory. One connection
 * writes (serialised, so a flush is one transaction); another reads.
 *
 * @example
 * const store = await DuckDBEventStore.open(join(dataDir, 'events.duckdb'));
 * const rows = await store.execute({ sql: 'SELECT count(*) AS n FROM events', parameters: [] });
 */
export class DuckDBEventStore implements EventStore {
  readonly dialect = 'duckdb' as const;
  private readonly writes = new Serial();
  private readonly reads = new Serial();
  private readonly probes = new Serial();
  /** Streamed funnels take these threads' help (see `runAnalyticsQuery`). */
  readonly funnelThreads: FunnelThreadPool;
  private partsVersion = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    // Its own connection, so the next flush's dedup runs while this one is written.
    private readonly prober: DuckDBConnection,
    private readonly loading: RowLoading,
    private readonly onWrite: ((timing: WriteTiming) => void) | undefined,
    funnelThreads: number,
  ) {
    this.funnelThreads = new FunnelThreadPool(funnelThreads);
  }

  static async open(
    path: string,
    options: DuckDBEventStoreOptions = {},
  ): Promise<DuckDBEventStore> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/lock/i.test(message)) {
        throw new EventStoreLockedError(
          `${path} is open in another process (is the server running on this data directory?)`,
        );
      }
      throw err;
    }
    const writer = await instance.connect();
    const reader = await instance.connect();
    const prober = await instance.connect();
    // Per connection: the default follows the process TZ, which would shift local-day bucketing.
    for (const c of [writer, reader, prober]) await c.run("SET TimeZone = 'UTC'");
    await upgradeEventTables(writer);
    for (const ddl of EVENTS_DDL) await writer.run(ddl);
    // Only now that the file is ours: temporary files a killed process left go here.
    const scratch = await ScratchDir.open(path);
    return new DuckDBEventStore(
      instance,
      writer,
      reader,
      prober,
      { scratch, fileFromChars: options.fileLoadFromChars ?? FILE_LOAD_FROM_CHARS },
      options.onWrite,
      options.funnelThreads ?? defaultFunnelThreads(),
    );
  }

  async execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]> {
    const reader = new DuckDBResultReader(await this.materialize(query));
    await reader.readAll();
    return reader.getRowObjectsJS().map((r) => toJsonSafe(r) as Row);
  }

  /** Large analytics results (funnels) as column chunks, without row objects. */
  async executeChunks(query: CompiledQuery, onChunk: ChunkHandler): Promise<void> {
    await readChunks(await this.materialize(query), onChunk);
  }

  /**
   * Runs a read to its materialised result. Only the statement holds the read
   * connection: a materialised result no longer needs it, so the next read
   * runs in DuckDB while this one's rows are turned into JavaScript values
   * (a funnel's per-person pass takes about as long as its statement).
   */
  private materialize(query: CompiledQuery): Promise<DuckDBMaterializedResult> {
    return this.reads.run(() =>
      this.reader.run(query.sql, query.parameters.map(toDuckDBParameter)),
    );
  }

  async findStored(keys: readonly EventKey[]): Promise<Set<string>> {
    // Per project (a flush rarely holds more than a few): its uuids and time bounds.
    const byProject = new Map<string, { uuids: string[]; min: number; max: number }>();
    for (const key of keys) {
      const p = byProject.get(key.projectId);
      if (p) {
        p.uuids.push(key.uuid);
        if (key.timestamp < p.min) p.min = key.timestamp;
        if (key.timestamp > p.max) p.max = key.timestamp;
      } else {
        byProject.set(key.projectId, { uuids: [key.uuid], min: key.timestamp, max: key.timestamp });
      }
    }
    return this.probes.run(async () => {
      const found = new Set<string>();
      for (const [projectId, p] of byProject) {
        // The uuids go in as one string split inside DuckDB (a list parameter
        // costs a native call per element). Only stored keys come back; the
        // time bounds let DuckDB skip row groups by their zone maps.
        const reader = await this.prober.runAndReadAll(
          `SELECT uuid::VARCHAR AS u FROM events
           WHERE project_id = $1 AND timestamp >= $2 AND timestamp <= $3
             AND uuid IN (SELECT unnest(string_split($4::VARCHAR, chr(31)))::UUID)`,
          [
            projectId,
            instant(p.min - RETRY_WINDOW_MS),
            instant(p.max + RETRY_WINDOW_MS),
            p.uuids.join(FIELD_SEPARATOR),
          ],
        );
        for (const [u] of reader.getRows()) found.add(eventKey(projectId, String(u)));
      }
      return found;
    });
  }

  write(batch: {
    readonly events: readonly StoredEvent[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void> {
    return this.writeEncoded({
      events: { rows: encodeEventRows(batch.events), count: batch.events.length },
      personIds: batch.events.map((e) => e.personId),
      identity: batch.identity,
    });
  }

  writeEncoded(batch: {
    readonly events: EncodedEvents;
    readonly personIds: readonly string[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void> {
    if (batch.personIds.length !== batch.events.count) {
      return Promise.reject(
        new Error(`${batch.events.count} event rows but ${batch.personIds.length} person ids`),
      );
    }
    let expected = 0;
    for (const p of batch.personIds) if (p !== '') expected++;
    return this.writes.run(async () => {
      const applied = await this.readWatermark();
      const mirrors = batch.identity.filter((m) => m.seq > applied);
      if (expected === 0 && mirrors.length === 0) return;
      const started = performance.now();
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const inserted = await loadRows(
          this.writer,
          batch.events.rows,
          batch.personIds,
          this.loading,
        );
        if (inserted !== expected) {
          throw new Error(
            `inserted ${inserted} events, expected ${expected}: malformed event rows`,
          );
        }
        const loaded = performance.now();
        if (mirrors.length > 0) {
          const flat = flattenMirrors(mirrors);
          await applyMirror(this.writer, flat);
          await this.writer.run('DELETE FROM identity_watermark');
          await this.writer.run('INSERT INTO identity_watermark VALUES ($1::BIGINT)', [flat.seq]);
        }
        const mirrored = performance.now();
        await this.writer.run('COMMIT');
        this.onWrite?.({
          events: inserted,
          loadMs: loaded - started,
          mirrorMs: mirrored - loaded,
          commitMs: performance.now() - mirrored,
        });
      } catch (err) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  identityWatermark(): Promise<number> {
    return this.writes.run(() => this.readWatermark());
  }

  async *exportEvents(projectId: string, range: TimeRange = {}): AsyncIterable<StoredEvent> {
    let after: { ts: number; uuid: string } | null = null;
    for (;;) {
      const cursor: { ts: number; uuid: string } | null = after;
      const rows = await this.reads.run(async () => {
        const reader = await this.reader.runAndReadAll(
          `SELECT ${EXPORT_COLUMNS} FROM events
           WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3
             AND (timestamp > $4 OR (timestamp = $4 AND uuid > $5::UUID))
           ORDER BY timestamp, uuid LIMIT ${EXPORT_PAGE}`,
          [
            projectId,
            instant(range.from ?? -62135596800000),
            instant(range.to ?? 253402300799999),
            instant(cursor?.ts ?? -62135596800000),
            cursor?.uuid ?? '00000000-0000-0000-0000-000000000000',
          ],
        );
        return reader
          .getRowObjectsJS()
          .map((r) => rowToEvent(toJsonSafe(r) as Record<string, unknown>));
      });
      // The first page must also include events exactly at the lower bound with the nil uuid.
      for (const e of rows) yield e;
      const last = rows.at(-1);
      if (!last || rows.length < EXPORT_PAGE) return;
      after = { ts: last.timestamp, uuid: last.uuid };
    }
  }

  async countEvents(projectId: string, range: TimeRange = {}): Promise<number> {
    const [row] = await this.execute<{ n: number }>({
      sql: 'SELECT count(*) AS n FROM events WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3',
      parameters: [
        projectId,
        new Date(range.from ?? -62135596800000),
        new Date(range.to ?? 253402300799999),
      ],
    });
    return Number(row?.n ?? 0);
  }

  deletePersonEvents(projectId: string, personId: string): Promise<number> {
    return this.writes.run(() =>
      this.inTransaction(() =>
        this.deleteEvents(
          `project_id = $1 AND (person_id = $2::UUID OR person_id IN (
             SELECT old_person_id FROM person_overrides WHERE project_id = $1 AND person_id = $2::UUID))`,
          [projectId, personId],
        ),
      ),
    );
  }

  deletePerson(
    projectId: string,
    personId: string,
  ): Promise<{ events: number; distinctIds: readonly string[] }> {
    const params = [projectId, personId];
    // The person and everyone merged into it.
    const mine = `(person_id = $2::UUID OR person_id IN (
      SELECT old_person_id FROM person_overrides WHERE project_id = $1 AND person_id = $2::UUID))`;
    return this.writes.run(() =>
      this.inTransaction(async () => {
        const ids = await this.writer.runAndReadAll(
          `SELECT DISTINCT distinct_id FROM (
             SELECT distinct_id FROM person_distinct_ids WHERE project_id = $1 AND person_id = $2::UUID
             UNION ALL SELECT distinct_id FROM events WHERE project_id = $1 AND ${mine}) d
           ORDER BY 1`,
          params,
        );
        const events = await this.deleteEvents(`project_id = $1 AND ${mine}`, params);
        // The sorted part's numbering names the person too.
        await this.writer.run(
          `DELETE FROM sorted_persons WHERE project_id = $1 AND ${mine}`,
          params,
        );
        await this.writer.run(
          'DELETE FROM persons WHERE project_id = $1 AND id = $2::UUID',
          params,
        );
        await this.writer.run(
          'DELETE FROM person_distinct_ids WHERE project_id = $1 AND person_id = $2::UUID',
          params,
        );
        await this.writer.run(
          'DELETE FROM person_overrides WHERE project_id = $1 AND person_id = $2::UUID',
          params,
        );
        return {
          events,
          distinctIds: ids.getRowObjectsJS().map((r) => String(r['distinct_id'])),
        };
      }),
    );
  }

  deleteEventsBefore(projectId: string, beforeMs: number): Promise<number> {
    return this.writes.run(() =>
      this.inTransaction(() =>
        this.deleteEvents('project_id = $1 AND timestamp < $2', [projectId, instant(beforeMs)]),
      ),
    );
  }

  /**
   * Rewrites the events in person order, with the merges known now squashed
   * (see `compact.ts`). Writes wait meanwhile; reads see the events before or
   * after, never a mix.
   */
  compactEvents(): Promise<CompactionResult> {
    return this.writes.run(() =>
      compactEvents(this.writer, {
        before: () => this.partsVersion++,
        after: () => this.partsVersion++,
      }),
    );
  }

  /**
   * Changes around each compaction's commit: odd while one commits. Statements
   * run between two equal, even readings all saw the same parts.
   */
  eventPartsVersion(): number {
    return this.partsVersion;
  }

  /** How many events the last compaction sorted, how many arrived since, and how many persons it numbered. */
  async unsortedEvents(): Promise<EventParts> {
    const [row] = await this.execute<{ sorted: number; recent: number; persons: number }>({
      sql: `SELECT (SELECT count(*) FROM events_sorted) AS sorted,
                   (SELECT count(*) FROM events_recent) AS recent,
                   (SELECT count(*) FROM sorted_persons) AS persons`,
      parameters: [],
    });
    return {
      sorted: Number(row?.sorted ?? 0),
      recent: Number(row?.recent ?? 0),
      persons: Number(row?.persons ?? 0),
    };
  }

  /** Runs `work` in one transaction on the writer (inside the write queue). */
  private async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.writer.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.writer.run('COMMIT');
      return result;
    } catch (err) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Deletes the events matching `where` from both parts (inside the write
   * queue and a transaction: a reader never sees one part's rows gone and not
   * the other's).
   */
  private async deleteEvents(where: string, params: DuckDBValue[]): Promise<number> {
    let deleted = 0;
    for (const table of EVENT_TABLES) {
      const result = await this.writer.run(`DELETE FROM ${table} WHERE ${where}`, params);
      deleted += result.rowsChanged;
    }
    return deleted;
  }

  async close(): Promise<void> {
    await this.writes.run(async () => {
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      this.writer.closeSync();
    });
    await this.reads.run(async () => this.reader.closeSync());
    await this.probes.run(async () => this.prober.closeSync());
    this.instance.closeSync();
    await this.loading.scratch.close();
    await this.funnelThreads.close();
  }

  private async readWatermark(): Promise<number> {
    const reader = await this.writer.runAndReadAll(
      'SELECT coalesce(max(seq), 0)::DOUBLE AS seq FROM identity_watermark',
    );
    return Number(reader.getRowObjectsJS()[0]?.['seq'] ?? 0);
  }
}

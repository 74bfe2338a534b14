import { type CompiledQuery, quoteIdentifier } from '@opsloop/engine';
import { decodeEventRows } from '../../spool/event-rows.js';
import { flattenMirrors } from '../duckdb/mirror.js';
import { Serial } from '../duckdb/serial.js';
import {
  type EncodedEvents,
  type EventKey,
  type EventStore,
  eventKey,
  type IdentityMirror,
  type StoredEvent,
  type TimeRange,
} from '../event-store.js';
import { checkMirror, mirrorRows, writeMirrorRows } from './apply-mirror.js';
import { eventsDdl, localEventsTable } from './ddl.js';
import { type EventRow, eventToRow, rowToEvent } from './rows.js';
import { lit, Server, type ServerAddress } from './servers.js';

export interface ClickHouseEventStoreOptions {
  /** The server queries go to (with a cluster, one of its shards). */
  readonly server: ServerAddress;
  readonly database: string;
  /** Shard events by person over a cluster the servers define in `remote_servers`. */
  readonly cluster?: {
    readonly name: string;
    /** Every shard's server: each gets the local tables and a full copy of identity rows. */
    readonly shards: readonly ServerAddress[];
  };
}

/** A retried event may carry a slightly different (skew-corrected) timestamp. */
const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const EXPORT_PAGE = 10_000;
const MIN_MS = -62135596800000;
const MAX_MS = 253402300799999;
/** Inserts into the Distributed table return once every shard has its rows. */
const SYNC_INSERT = { insert_distributed_sync: 1 };

/**
 * The scale-out event store on ClickHouse (18.16 and later). One server, or a
 * cluster: a MergeTree `events_local` per shard behind a Distributed `events`
 * sharded by person, and a full copy of the identity rows on every shard.
 * Several API nodes may share it; each writes its own flushes.
 *
 * ClickHouse has no transactions, so `write` checks the whole batch first and
 * then writes in an order that a replay repairs: identity rows (idempotent,
 * versioned by mirror seq), events (a replay's duplicates are found by
 * `findStored`), and the watermark last.
 *
 * @example
 * const store = await ClickHouseEventStore.open({
 *   server: { url: 'http://127.0.0.1:8123' },
 *   database: 'opsloop',
 * });
 */
/** Uuids per dedup statement: a flush may hold 200k; each statement scans the window once. */
const PROBE_CHUNK = 50_000;

export class ClickHouseEventStore implements EventStore {
  readonly dialect = 'clickhouse' as const;
  private readonly writes = new Serial();

  private constructor(
    private readonly main: Server,
    /** Holds the identity watermark and answers the reads that re-point identity rows. */
    private readonly coordinator: Server,
    /** Every server, `main` first: each holds the identity rows; shards hold events. */
    private readonly servers: readonly Server[],
    private readonly eventsTable: string,
  ) {}

  static async open(options: ClickHouseEventStoreOptions): Promise<ClickHouseEventStore> {
    const layout = { database: options.database, cluster: options.cluster?.name };
    const addresses = [options.server, ...(options.cluster?.shards ?? [])].filter(
      (a, i, all) => all.findIndex((b) => b.url === a.url) === i,
    );
    for (const address of addresses) {
      // The database may not exist yet, and a client bound to it could not create it.
      const admin = new Server(address, 'default');
      try {
        await admin.run(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(options.database)}`);
        for (const ddl of eventsDdl(layout)) await admin.run(ddl);
      } finally {
        await admin.close();
      }
    }
    const servers = addresses.map((a) => new Server(a, options.database));
    const [main] = servers;
    if (!main) throw new Error('a ClickHouse event store needs a server');
    // Every API node must read and write the same watermark: the first shard holds it.
    const first = options.cluster?.shards[0]?.url ?? options.server.url;
    const coordinator = servers.find((s) => s.address.url === first) ?? main;
    return new ClickHouseEventStore(main, coordinator, servers, localEventsTable(layout));
  }

  execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]> {
    if (query.parameters.length > 0) {
      return Promise.reject(
        new Error(
          'ClickHouse queries take inlined literals (compile them with the ClickHouse dialect)',
        ),
      );
    }
    return this.main.rows<Row>(query.sql);
  }

  async findStored(keys: readonly EventKey[]): Promise<Set<string>> {
    const byProject = new Map<string, { uuids: string[]; min: number; max: number }>();
    for (const k of keys) {
      const p = byProject.get(k.projectId);
      if (p) {
        p.uuids.push(k.uuid.toLowerCase());
        p.min = Math.min(p.min, k.timestamp);
        p.max = Math.max(p.max, k.timestamp);
      } else {
        byProject.set(k.projectId, {
          uuids: [k.uuid.toLowerCase()],
          min: k.timestamp,
          max: k.timestamp,
        });
      }
    }
    const found = new Set<string>();
    for (const [projectId, p] of byProject) {
      for (let i = 0; i < p.uuids.length; i += PROBE_CHUNK) {
        // The time bounds let every shard skip parts by the primary key.
        const rows = await this.main.rows<{ uuid: string }>(
          `SELECT DISTINCT uuid FROM events
           WHERE project_id = ${lit(projectId)}
             AND timestamp >= ${Math.trunc(p.min - RETRY_WINDOW_MS)}
             AND timestamp <= ${Math.trunc(p.max + RETRY_WINDOW_MS)}
             AND uuid IN (${p.uuids
               .slice(i, i + PROBE_CHUNK)
               .map(lit)
               .join(', ')})`,
        );
        for (const r of rows) found.add(eventKey(projectId, r.uuid));
      }
    }
    return found;
  }

  write(batch: {
    readonly events: readonly StoredEvent[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void> {
    // Converted before queueing: a malformed event rejects the batch before anything is written.
    let rows: EventRow[];
    try {
      rows = batch.events.map(eventToRow);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writeRows(rows, batch.identity);
  }

  writeEncoded(batch: {
    readonly events: EncodedEvents;
    readonly personIds: readonly string[];
    readonly identity: readonly IdentityMirror[];
  }): Promise<void> {
    let rows: EventRow[];
    try {
      const events = decodeEventRows(batch.events.rows);
      if (batch.personIds.length !== batch.events.count || events.length !== batch.events.count) {
        throw new Error(
          `${batch.events.count} event rows (${events.length} decoded) but ${batch.personIds.length} person ids`,
        );
      }
      rows = [];
      events.forEach((e, i) => {
        const personId = batch.personIds[i] ?? '';
        if (personId !== '') rows.push(eventToRow({ ...e, personId }));
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writeRows(rows, batch.identity);
  }

  private writeRows(rows: readonly EventRow[], identity: readonly IdentityMirror[]): Promise<void> {
    return this.writes.run(async () => {
      const applied = await this.readWatermark();
      const mirrors = identity.filter((m) => m.seq > applied);
      if (rows.length === 0 && mirrors.length === 0) return;
      const flat = mirrors.length > 0 ? checkMirror(flattenMirrors(mirrors)) : null;
      if (flat) {
        const identityRows = await mirrorRows(this.coordinator, flat);
        for (const server of this.servers) await writeMirrorRows(server, identityRows);
      }
      await this.main.insert('events', rows, SYNC_INSERT);
      if (flat) await this.coordinator.insert('identity_watermark', [{ seq: flat.seq }]);
    });
  }

  identityWatermark(): Promise<number> {
    return this.writes.run(() => this.readWatermark());
  }

  async *exportEvents(projectId: string, range: TimeRange = {}): AsyncIterable<StoredEvent> {
    let after: { ts: number; uuid: string } | null = null;
    for (;;) {
      const cursor: { ts: number; uuid: string } | null = after;
      const page: string = cursor
        ? `AND (timestamp > ${cursor.ts} OR (timestamp = ${cursor.ts} AND uuid > ${lit(cursor.uuid)}))`
        : '';
      const rows: EventRow[] = await this.main.rows<EventRow>(
        `SELECT * FROM events WHERE project_id = ${lit(projectId)} AND ${this.range(range)} ${page}
         ORDER BY timestamp, uuid LIMIT ${EXPORT_PAGE}`,
      );
      for (const r of rows) yield rowToEvent(r);
      const last: EventRow | undefined = rows.at(-1);
      if (!last || rows.length < EXPORT_PAGE) return;
      after = { ts: Number(last.timestamp), uuid: last.uuid };
    }
  }

  async countEvents(projectId: string, range: TimeRange = {}): Promise<number> {
    const [row] = await this.main.rows<{ n: number }>(
      `SELECT count() AS n FROM events WHERE project_id = ${lit(projectId)} AND ${this.range(range)}`,
    );
    return Number(row?.n ?? 0);
  }

  deletePersonEvents(projectId: string, personId: string): Promise<number> {
    return this.writes.run(async () => {
      const persons = await this.mergedInto(projectId, personId);
      return this.deleteEvents(
        `project_id = ${lit(projectId)} AND person_id IN (${persons.map(lit).join(', ')})`,
      );
    });
  }

  deletePerson(
    projectId: string,
    personId: string,
  ): Promise<{ events: number; distinctIds: readonly string[] }> {
    return this.writes.run(async () => {
      const id = personId.toLowerCase();
      const persons = await this.mergedInto(projectId, id);
      const p = lit(projectId);
      const mine = `person_id IN (${persons.map(lit).join(', ')})`;
      const ids = await this.main.rows<{ distinct_id: string }>(
        `SELECT DISTINCT distinct_id FROM (
           SELECT distinct_id FROM person_distinct_ids WHERE project_id = ${p} AND person_id = ${lit(id)}
           UNION ALL SELECT distinct_id FROM events WHERE project_id = ${p} AND ${mine})
         ORDER BY distinct_id`,
      );
      const current = await this.main.rows<{ distinct_id: string }>(
        `SELECT distinct_id FROM person_distinct_ids WHERE project_id = ${p} AND person_id = ${lit(id)}`,
      );
      const events = await this.deleteEvents(`project_id = ${p} AND ${mine}`);
      // By key, so older versions of the same rows cannot reappear through FINAL.
      const deletes = [`persons_rows WHERE project_id = ${p} AND id = ${lit(id)}`];
      if (current.length > 0) {
        deletes.push(
          `person_distinct_ids_rows WHERE project_id = ${p} AND distinct_id IN (${current.map((r) => lit(r.distinct_id)).join(', ')})`,
        );
      }
      if (persons.length > 1) {
        deletes.push(
          `person_overrides_rows WHERE project_id = ${p} AND old_person_id IN (${persons.slice(1).map(lit).join(', ')})`,
        );
      }
      for (const server of this.servers) {
        for (const d of deletes)
          await server.run(`ALTER TABLE ${d.replace(' WHERE ', ' DELETE WHERE ')}`);
        await server.settleMutations();
      }
      return { events, distinctIds: ids.map((r) => r.distinct_id) };
    });
  }

  deleteEventsBefore(projectId: string, beforeMs: number): Promise<number> {
    return this.writes.run(() =>
      this.deleteEvents(`project_id = ${lit(projectId)} AND timestamp < ${Math.trunc(beforeMs)}`),
    );
  }

  async close(): Promise<void> {
    await this.writes.run(async () => undefined);
    await Promise.all(this.servers.map((s) => s.close()));
  }

  private range(range: TimeRange): string {
    return `timestamp >= ${Math.trunc(range.from ?? MIN_MS)} AND timestamp < ${Math.trunc(range.to ?? MAX_MS)}`;
  }

  /** The person and everyone merged into it, the person first. */
  private async mergedInto(projectId: string, personId: string): Promise<string[]> {
    const id = personId.toLowerCase();
    const olds = await this.main.rows<{ old_person_id: string }>(
      `SELECT old_person_id FROM person_overrides
       WHERE project_id = ${lit(projectId)} AND person_id = ${lit(id)}`,
    );
    return [id, ...olds.map((o) => o.old_person_id)];
  }

  /** Deletes matching events on every shard (ALTER cannot go through a Distributed table). */
  private async deleteEvents(where: string): Promise<number> {
    const [row] = await this.main.rows<{ n: number }>(
      `SELECT count() AS n FROM events WHERE ${where}`,
    );
    const n = Number(row?.n ?? 0);
    if (n === 0) return 0;
    const shards = this.eventsTable === 'events' ? [this.main] : this.servers;
    for (const server of shards) {
      await server.run(`ALTER TABLE ${this.eventsTable} DELETE WHERE ${where}`);
      await server.settleMutations();
    }
    return n;
  }

  private async readWatermark(): Promise<number> {
    const [row] = await this.coordinator.rows<{ seq: number }>(
      'SELECT max(seq) AS seq FROM identity_watermark',
    );
    return Number(row?.seq ?? 0);
  }
}

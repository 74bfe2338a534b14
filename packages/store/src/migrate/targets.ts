import { quoteIdentifier } from '@opsloop/engine';
import type pg from 'pg';
import {
  ClickHouseEventStore,
  type ClickHouseEventStoreOptions,
} from '../events/clickhouse/clickhouse-event-store.js';
import { localEventsTable } from '../events/clickhouse/ddl.js';
import { lit, Server } from '../events/clickhouse/servers.js';
import { IDENTITY_MIGRATIONS } from '../identity/postgres/schema.js';
import { migratePostgres } from '../meta/postgres/migrate.js';
import { createPool, row } from '../meta/postgres/pool.js';
import { JsonLinesWriter } from './json-lines.js';

/** The identity store's tables in PostgreSQL (`identity/postgres/schema.ts`). */
export const PG_IDENTITY_TABLES = [
  'identity_distinct_ids',
  'identity_persons',
  'identity_person_overrides',
  'identity_groups',
  'identity_outbox',
] as const;

/** The ClickHouse tables that hold data (the identity views read the `*_rows` ones). */
export const CH_DATA_TABLES = [
  'events',
  'persons_rows',
  'person_distinct_ids_rows',
  'person_overrides_rows',
  'groups_rows',
  'identity_watermark',
] as const;

/** The ClickHouse servers of the target, laid out as the event store lays them out. */
export interface ClickHouseTarget {
  /** Where events are inserted (the Distributed `events` of a cluster) and queries go. */
  readonly main: Server;
  /** Holds the identity watermark: the first shard listed. */
  readonly coordinator: Server;
  /** Every server: each holds a full copy of the identity rows. */
  readonly servers: readonly Server[];
  /** Inserts JSON lines into `main`, and into each of `servers` (same order). */
  readonly mainLines: JsonLinesWriter;
  readonly lines: readonly JsonLinesWriter[];
  /** Servers with a local events table, and its name (`events_local` in a cluster). */
  readonly shards: readonly Server[];
  readonly localEvents: string;
}

export interface ClusterTarget {
  readonly pg: pg.Pool;
  readonly ch: ClickHouseTarget;
  close(): Promise<void>;
}

const addressesOf = (o: ClickHouseEventStoreOptions) =>
  [o.server, ...(o.cluster?.shards ?? [])].filter(
    (a, i, all) => all.findIndex((b) => b.url === a.url) === i,
  );

/**
 * What the target already holds, as `store table (rows)` lines; empty when it
 * holds nothing. Reads only: a missing database or table counts as empty.
 */
export async function targetContents(options: {
  readonly databaseUrl: string;
  readonly events: ClickHouseEventStoreOptions;
  readonly metaTables: readonly string[];
}): Promise<string[]> {
  const found: string[] = [];
  const pool = createPool(options.databaseUrl, { max: 2 });
  pool.on('error', () => undefined);
  try {
    for (const table of [...options.metaTables, ...PG_IDENTITY_TABLES]) {
      const exists = await row<{ t: string | null }>(pool, 'SELECT to_regclass($1)::text AS t', [
        table,
      ]);
      if (!exists?.t) continue;
      const n = await row<{ n: number }>(pool, `SELECT count(*)::bigint AS n FROM ${table}`);
      if (n && n.n > 0) found.push(`PostgreSQL ${table} (${n.n} rows)`);
    }
  } finally {
    await pool.end();
  }
  const db = options.events.database;
  for (const address of addressesOf(options.events)) {
    const admin = new Server(address, 'default');
    try {
      const tables = new Set(
        (
          await admin.rows<{ name: string }>(
            `SELECT name FROM system.tables WHERE database = ${lit(db)}`,
          )
        ).map((t) => t.name),
      );
      for (const table of [...CH_DATA_TABLES, 'events_local']) {
        if (!tables.has(table)) continue;
        const [n] = await admin.rows<{ n: number }>(
          `SELECT count() AS n FROM ${quoteIdentifier(db)}.${quoteIdentifier(table)}`,
        );
        if (Number(n?.n ?? 0) > 0) {
          found.push(`ClickHouse ${address.url} ${db}.${table} (${Number(n?.n)} rows)`);
        }
      }
    } finally {
      await admin.close();
    }
  }
  return found;
}

/**
 * Brings the target's schemas up to date the way a starting node would (the
 * shared migrations in PostgreSQL, the event store's tables on every
 * ClickHouse server) and connects to it.
 */
export async function openClusterTarget(options: {
  readonly databaseUrl: string;
  readonly events: ClickHouseEventStoreOptions;
}): Promise<ClusterTarget> {
  const pool = createPool(options.databaseUrl, { max: 4 });
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, { now: Date.now() });
    await migratePostgres(pool, {
      now: Date.now(),
      migrations: IDENTITY_MIGRATIONS,
      table: 'identity_schema_migrations',
    });
    // The store creates its database and tables on every server as it opens.
    await (await ClickHouseEventStore.open(options.events)).close();
  } catch (err) {
    await pool.end();
    throw err;
  }
  const o = options.events;
  const servers = addressesOf(o).map((a) => new Server(a, o.database));
  const lines = addressesOf(o).map((a) => new JsonLinesWriter(a, o.database));
  const [main] = servers;
  if (!main) throw new Error('no ClickHouse server');
  const first = o.cluster?.shards[0]?.url ?? o.server.url;
  const localEvents = localEventsTable({ database: o.database, cluster: o.cluster?.name });
  return {
    pg: pool,
    ch: {
      main,
      coordinator: servers.find((s) => s.address.url === first) ?? main,
      servers,
      mainLines: lines[0] as JsonLinesWriter,
      lines,
      shards: o.cluster
        ? servers.filter((s) => o.cluster?.shards.some((a) => a.url === s.address.url))
        : [main],
      localEvents,
    },
    close: async () => {
      await Promise.all([...servers, ...lines].map((s) => s.close()));
      await pool.end();
    },
  };
}

import { after, before } from 'node:test';
import type { CompiledQuery } from '@opsloop/engine';
import { eventsDdl } from '../../events/clickhouse/ddl.js';
import { Server } from '../../events/clickhouse/servers.js';
import {
  type RunningClickHouse,
  startClickHouse,
} from '../../testing/clickhouse/start-clickhouse.js';
import type { AnalyticsSource } from '../run-query.js';
import type { TestData } from './memory-duckdb.js';

/**
 * A ClickHouse database with the event tables, loaded directly (no
 * pipeline), that executes compiled queries as the ClickHouse event store
 * does. Each `load` writes the world under a project id of its own, so worlds
 * never need deleting (deletes are slow background mutations in 18.16).
 */
export class ClickHouseWorlds implements AnalyticsSource {
  readonly dialect = 'clickhouse' as const;
  private loaded = 0;

  private constructor(
    /** Queries and event inserts go to the first; every one holds the identity rows. */
    private readonly servers: readonly [Server, ...Server[]],
  ) {}

  private get server(): Server {
    return this.servers[0];
  }

  /**
   * One server, or with `cluster` (a name from the servers' `remote_servers`)
   * the store's cluster layout over `urls`: events sharded by person behind a
   * Distributed table, identity rows copied to every server.
   */
  static async open(
    urls: readonly string[],
    database: string,
    options: { readonly cluster?: string } = {},
  ): Promise<ClickHouseWorlds> {
    const servers = urls.map((url) => new Server({ url }, database));
    const [first, ...rest] = servers;
    if (!first) throw new Error('ClickHouse worlds need a server');
    for (const url of urls) {
      const admin = new Server({ url }, 'default');
      try {
        for (const ddl of eventsDdl({ database, cluster: options.cluster })) await admin.run(ddl);
      } finally {
        await admin.close();
      }
    }
    return new ClickHouseWorlds([first, ...rest]);
  }

  /** Writes the world and returns the project id it lives under. */
  async load(data: TestData): Promise<string> {
    const [id] = await this.loadAll([data]);
    return id ?? '';
  }

  /** Writes several worlds with one insert per table; their project ids, in order. */
  async loadAll(worlds: readonly TestData[]): Promise<string[]> {
    const ids = worlds.map((d) => `${d.projectId}_${++this.loaded}`);
    const rows = <T>(f: (d: TestData, p: string) => readonly T[]): T[] =>
      worlds.flatMap((d, i) => f(d, ids[i] ?? ''));
    await this.server.insert(
      'events',
      rows((d, p) =>
        d.events.map((e) => ({
          project_id: p,
          uuid: e.uuid,
          event: e.event,
          distinct_id: e.distinctId,
          person_id: e.personId,
          timestamp: e.timestamp,
          received_at: e.timestamp,
          properties: JSON.stringify(e.properties ?? {}),
          url: e.url ?? null,
          browser: e.browser ?? null,
          groups: '{}',
        })),
      ),
      // With a Distributed table: return once every shard has its rows.
      { insert_distributed_sync: 1 },
    );
    const persons = rows((d, p) =>
      (d.persons ?? []).map((person) => ({
        project_id: p,
        id: person.id,
        properties: JSON.stringify(person.properties),
        is_identified: 1,
        created_at: 0,
        version: person.version ?? 1,
        _v: 1,
        _deleted: 0,
      })),
    );
    const overrides = rows((d, p) =>
      (d.overrides ?? []).map((o) => ({
        project_id: p,
        old_person_id: o.oldPersonId,
        person_id: o.personId,
        _v: 1,
      })),
    );
    const distinctIds = rows((d, p) =>
      (d.distinctIds ?? []).map((x) => ({
        project_id: p,
        distinct_id: x.distinctId,
        person_id: x.personId,
        _v: 1,
      })),
    );
    // Identity rows live on every server, as the store keeps them.
    for (const server of this.servers) {
      await server.insert('persons_rows', persons);
      await server.insert('person_overrides_rows', overrides);
      await server.insert('person_distinct_ids_rows', distinctIds);
    }
    return ids;
  }

  execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]> {
    if (query.parameters.length > 0)
      return Promise.reject(new Error('ClickHouse queries take inlined literals'));
    return this.server.rows<Row>(query.sql);
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

/**
 * For a test file: starts a ClickHouse server before its tests, loads `pool`
 * into one database (each world under its own project: inserts are slow on
 * 18.16, so worlds are drawn once and loaded together), and stops it after.
 * Returns the loaded worlds and the project id of each pool entry, in order.
 */
export function useClickHouseWorlds(
  pool: () => readonly TestData[],
): () => { readonly worlds: ClickHouseWorlds; readonly projects: readonly string[] } {
  let ch: RunningClickHouse | undefined;
  let loaded: { worlds: ClickHouseWorlds; projects: string[] } | undefined;
  before(async () => {
    ch = await startClickHouse();
    const worlds = await ClickHouseWorlds.open(
      ch.nodes.map((n) => n.url),
      await ch.createDatabase(),
    );
    loaded = { worlds, projects: await worlds.loadAll(pool()) };
  });
  after(async () => {
    await loaded?.worlds.close();
    await ch?.stop();
  });
  return () => {
    if (!loaded) throw new Error('the ClickHouse worlds were not loaded');
    return loaded;
  };
}

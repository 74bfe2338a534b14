import type { CompiledQuery } from '@opsloop/engine';
import { eventsDdl } from '../../events/clickhouse/ddl.js';
import { Server } from '../../events/clickhouse/servers.js';
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

  private constructor(private readonly server: Server) {}

  static async open(url: string, database: string): Promise<ClickHouseWorlds> {
    const admin = new Server({ url }, 'default');
    try {
      for (const ddl of eventsDdl({ database })) await admin.run(ddl);
    } finally {
      await admin.close();
    }
    return new ClickHouseWorlds(new Server({ url }, database));
  }

  /** Writes the world and returns the project id it lives under. */
  async load(data: TestData): Promise<string> {
    const p = `${data.projectId}_${++this.loaded}`;
    await this.server.insert(
      'events',
      data.events.map((e) => ({
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
    );
    await this.server.insert(
      'persons_rows',
      (data.persons ?? []).map((person) => ({
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
    await this.server.insert(
      'person_overrides_rows',
      (data.overrides ?? []).map((o) => ({
        project_id: p,
        old_person_id: o.oldPersonId,
        person_id: o.personId,
        _v: 1,
      })),
    );
    await this.server.insert(
      'person_distinct_ids_rows',
      (data.distinctIds ?? []).map((d) => ({
        project_id: p,
        distinct_id: d.distinctId,
        person_id: d.personId,
        _v: 1,
      })),
    );
    return p;
  }

  execute<Row extends Record<string, unknown>>(query: CompiledQuery): Promise<Row[]> {
    if (query.parameters.length > 0)
      return Promise.reject(new Error('ClickHouse queries take inlined literals'));
    return this.server.rows<Row>(query.sql);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { rows } from '../meta/postgres/pool.js';
import { MIRROR_TABLES } from './copy-events.js';
import { IDENTITY_COPIES } from './copy-identity.js';
import type { MetaTable } from './meta-tables.js';
import type { ClickHouseTarget } from './targets.js';
import type { Count } from './verify.js';

/**
 * The figures both sides are compared on: rows per metadata table; per
 * project, identity rows, events (with their first and last timestamps, which
 * catch a unit or time-zone slip that counts would not) and the event
 * store's identity mirror; and the mirror's watermark.
 */
const EVENT_FIGURES = ['events', 'events first ms', 'events last ms'] as const;

const perProject = (check: string, rs: ReadonlyArray<{ p: unknown; n: unknown }>): Count[] =>
  rs.map((r) => ({ check, projectId: String(r.p), value: Number(r.n) }));

export async function sourceCounts(source: {
  readonly meta: Database.Database;
  readonly identity: Database.Database | null;
  readonly events: DuckDBConnection;
  readonly plan: readonly MetaTable[];
}): Promise<Count[]> {
  const out: Count[] = [];
  for (const t of source.plan) {
    const r = source.meta.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number };
    out.push({ check: `meta ${t.name}`, projectId: null, value: r.n });
  }
  if (source.identity) {
    for (const t of IDENTITY_COPIES) {
      const rs = source.identity
        .prepare(`SELECT project_id AS p, count(*) AS n FROM ${t.from} GROUP BY project_id`)
        .all() as Array<{ p: string; n: number }>;
      out.push(...perProject(`identity ${t.from}`, rs));
    }
  }
  const duck = async (sql: string) => (await source.events.runAndReadAll(sql)).getRows();
  for (const [p, n, first, last] of await duck(
    `SELECT project_id, count(*), min(epoch_ms(timestamp)), max(epoch_ms(timestamp))
     FROM events GROUP BY project_id`,
  )) {
    const projectId = String(p);
    out.push({ check: EVENT_FIGURES[0], projectId, value: Number(n) });
    out.push({ check: EVENT_FIGURES[1], projectId, value: Number(first) });
    out.push({ check: EVENT_FIGURES[2], projectId, value: Number(last) });
  }
  for (const t of MIRROR_TABLES) {
    const rs = await duck(`SELECT project_id, count(*) FROM ${t.from} GROUP BY project_id`);
    out.push(
      ...perProject(
        `event store ${t.from}`,
        rs.map(([p, n]) => ({ p, n })),
      ),
    );
  }
  const [[seq] = []] = await duck('SELECT coalesce(max(seq), 0) FROM identity_watermark');
  out.push({ check: 'event store watermark', projectId: null, value: Number(seq ?? 0) });
  return out;
}

export async function targetCounts(target: {
  readonly pg: pg.Pool;
  readonly ch: ClickHouseTarget;
  readonly plan: readonly MetaTable[];
}): Promise<Count[]> {
  const out: Count[] = [];
  for (const t of target.plan) {
    const [r] = await rows<{ n: number }>(
      target.pg,
      `SELECT count(*)::bigint AS n FROM "${t.name}"`,
    );
    out.push({ check: `meta ${t.name}`, projectId: null, value: Number(r?.n ?? 0) });
  }
  for (const t of IDENTITY_COPIES) {
    const rs = await rows<{ p: string; n: number }>(
      target.pg,
      `SELECT project_id AS p, count(*)::bigint AS n FROM ${t.to} GROUP BY project_id`,
    );
    out.push(...perProject(`identity ${t.from}`, rs));
  }
  const ch = target.ch.main;
  for (const r of await ch.rows<{ p: string; n: number; first: number; last: number }>(
    `SELECT project_id AS p, count() AS n, min(timestamp) AS first, max(timestamp) AS last
     FROM events GROUP BY project_id`,
  )) {
    out.push({ check: EVENT_FIGURES[0], projectId: r.p, value: Number(r.n) });
    out.push({ check: EVENT_FIGURES[1], projectId: r.p, value: Number(r.first) });
    out.push({ check: EVENT_FIGURES[2], projectId: r.p, value: Number(r.last) });
  }
  // The views, which read the replacing tables with FINAL: what queries see.
  // Every server holds its own copy of them; each copy is counted.
  for (const server of target.ch.servers) {
    const on = server === ch ? '' : ` on ${serverLabel(server.address.url)}`;
    for (const t of MIRROR_TABLES) {
      const rs = await server.rows<{ p: string; n: number }>(
        `SELECT project_id AS p, count() AS n FROM ${t.from} GROUP BY project_id`,
      );
      out.push(...perProject(`event store ${t.from}${on}`, rs));
    }
  }
  const [w] = await target.ch.coordinator.rows<{ seq: number }>(
    'SELECT max(seq) AS seq FROM identity_watermark',
  );
  out.push({ check: 'event store watermark', projectId: null, value: Number(w?.seq ?? 0) });
  return out;
}

/** How a ClickHouse server is named in the verification: its host and port. */
export const serverLabel = (url: string): string => new URL(url).host;

/**
 * The source's identity-mirror figures once more for each further server
 * (`event store persons on ch2:8123`, …): every ClickHouse server must hold
 * all of them.
 */
export function mirrorOnEveryServer(source: readonly Count[], labels: readonly string[]): Count[] {
  const mirrored = new Set(MIRROR_TABLES.map((t) => `event store ${t.from}`));
  const copies = labels.flatMap((label) =>
    source
      .filter((c) => mirrored.has(c.check))
      .map((c) => ({ ...c, check: `${c.check} on ${label}` })),
  );
  return [...source, ...copies];
}

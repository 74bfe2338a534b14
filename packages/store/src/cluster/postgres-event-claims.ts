import type pg from 'pg';
import type { EventKey } from '../events/event-store.js';
import { eventKey } from '../events/event-store.js';
import type { Migration } from '../meta/migrations.js';
import { migratePostgres } from '../meta/postgres/migrate.js';
import { createPool, rows } from '../meta/postgres/pool.js';
import type { EventClaims } from './event-claims.js';

/**
 * UNLOGGED: claims are worth nothing after the few minutes a flush takes, so
 * they skip the WAL; if PostgreSQL crashes and loses them, the event store's
 * probe still catches every event written before.
 */
const CLAIMS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event claims',
    sql: `
      CREATE UNLOGGED TABLE event_claims (
        project_id TEXT   NOT NULL,
        uuid       TEXT   NOT NULL,
        owner      TEXT   NOT NULL,
        claimed_at BIGINT NOT NULL,
        PRIMARY KEY (project_id, uuid)
      );
      CREATE INDEX event_claims_age ON event_claims (claimed_at);
    `,
  },
];

export interface PostgresEventClaimsOptions {
  readonly url: string;
  /**
   * How long a claim is kept (default 1 h): longer than a backlog takes to
   * flush, far shorter than the event store's ±1 day probe window.
   */
  readonly keepMs?: number;
  readonly now?: () => number;
}

/** Keys per statement: the arrays travel as two parameters. */
const CHUNK = 50_000;
const PRUNE_EVERY_MS = 60_000;

/** {@link EventClaims} for the nodes of a cluster, in the shared PostgreSQL. */
export class PostgresEventClaims implements EventClaims {
  private lastPrune = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly keepMs: number,
    private readonly now: () => number,
  ) {}

  static async open(o: PostgresEventClaimsOptions): Promise<PostgresEventClaims> {
    const pool = createPool(o.url, { max: 2 });
    pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
    const now = o.now ?? Date.now;
    try {
      await migratePostgres(pool, {
        now: now(),
        migrations: CLAIMS_MIGRATIONS,
        table: 'event_claims_migrations',
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresEventClaims(pool, o.keepMs ?? 3_600_000, now);
  }

  async claim(keys: readonly EventKey[], owner: string): Promise<Set<string>> {
    await this.pruneNow();
    const elsewhere = new Set<string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const projects = chunk.map((k) => k.projectId);
      const uuids = chunk.map((k) => k.uuid);
      // Two statements: ON CONFLICT waits for a concurrent claim to commit and
      // then skips it, but that claim is invisible to the same statement's
      // snapshot; the second statement runs on a fresh snapshot and sees it.
      const mine = await rows<{ project_id: string; uuid: string }>(
        this.pool,
        `INSERT INTO event_claims (project_id, uuid, owner, claimed_at)
         SELECT p, u, $3, $4 FROM unnest($1::text[], $2::text[]) AS k(p, u)
         ON CONFLICT (project_id, uuid) DO NOTHING
         RETURNING project_id, uuid`,
        [projects, uuids, owner, this.now()],
      );
      if (mine.length === chunk.length) continue;
      const claimed = new Set(mine.map((r) => eventKey(r.project_id, r.uuid)));
      const rest = chunk.filter((k) => !claimed.has(eventKey(k.projectId, k.uuid)));
      const held = await rows<{ project_id: string; uuid: string }>(
        this.pool,
        `SELECT c.project_id, c.uuid FROM event_claims c
         JOIN unnest($1::text[], $2::text[]) AS k(p, u) ON c.project_id = k.p AND c.uuid = k.u
         WHERE c.owner <> $3`,
        [rest.map((k) => k.projectId), rest.map((k) => k.uuid), owner],
      );
      for (const r of held) elsewhere.add(eventKey(r.project_id, r.uuid));
    }
    return elsewhere;
  }

  /** Drops claims older than the keep time, at most once a minute. */
  private async pruneNow(): Promise<void> {
    const now = this.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.pool.query('DELETE FROM event_claims WHERE claimed_at < $1', [now - this.keepMs]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

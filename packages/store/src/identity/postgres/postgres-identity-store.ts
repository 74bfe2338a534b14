import type pg from 'pg';
import { migratePostgres } from '../../meta/postgres/migrate.js';
import { createPool, rows, transaction } from '../../meta/postgres/pool.js';
import {
  type CommittedChanges,
  type ForgottenPersons,
  type GroupState,
  groupKey,
  type IdentityChanges,
  type IdentityStore,
  type PersonState,
} from '../identity-store.js';
import { applyChanges, bytes } from './apply-changes.js';
import { type GroupRow, loadView, type PersonRow, toGroup, toPerson } from './load-view.js';
import { reconcile } from './reconcile.js';
import { IDENTITY_MIGRATIONS } from './schema.js';

export interface PostgresIdentityStoreOptions {
  /** The metadata database (`OPSLOOP_DATABASE_URL`); the identity tables live beside it. */
  readonly url: string;
  /** Connections in the pool (default 4: the flusher commits one change set at a time). */
  readonly maxConnections?: number;
}

/**
 * The identity store of a cluster: API nodes share it, and each node's
 * flusher reads, resolves and commits on its own. Nothing is cached, since
 * another node may merge a person at any time.
 *
 * A commit takes a transaction-scoped advisory lock per project it touches
 * (in sorted order, so two commits cannot deadlock), re-reads the rows it
 * touches, applies the change set and then whatever {@link reconcile} says
 * another node's commit since the reads requires (two nodes that created a
 * person for the same new distinct id end with one). The outbox keeps both:
 * the change set under the sequence number `commit` returns (the flusher
 * mirrors it at once) and the corrections under the next one (mirrored by the
 * following flush). Sequence numbers are taken under one more lock held to
 * the end of the transaction, so they become visible in order and
 * `changesAfter` never skips an entry still being committed.
 *
 * @example
 * const identity = await PostgresIdentityStore.open({ url: config.databaseUrl });
 */
export class PostgresIdentityStore implements IdentityStore {
  private closed: Promise<void> | undefined;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(options: PostgresIdentityStoreOptions): Promise<PostgresIdentityStore> {
    const pool = createPool(options.url, { max: options.maxConnections ?? 4 });
    pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
    try {
      await migratePostgres(pool, {
        now: Date.now(),
        migrations: IDENTITY_MIGRATIONS,
        table: 'identity_schema_migrations',
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresIdentityStore(pool);
  }

  async lookupDistinctIds(
    projectId: string,
    distinctIds: readonly string[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (distinctIds.length === 0) return out;
    const found = await rows<{ distinct_id: Buffer; person_id: string }>(
      this.pool,
      `SELECT distinct_id, person_id FROM identity_distinct_ids
       WHERE project_id = $1 AND distinct_id = ANY($2::bytea[])`,
      [projectId, [...new Set(distinctIds)].map(bytes)],
    );
    for (const r of found) out.set(r.distinct_id.toString('utf8'), r.person_id);
    return out;
  }

  async loadPersons(
    projectId: string,
    personIds: readonly string[],
  ): Promise<Map<string, PersonState>> {
    const out = new Map<string, PersonState>();
    if (personIds.length === 0) return out;
    const found = await rows<PersonRow>(
      this.pool,
      'SELECT * FROM identity_persons WHERE project_id = $1 AND id = ANY($2::text[])',
      [projectId, [...new Set(personIds)]],
    );
    for (const r of found) out.set(r.id, toPerson(r));
    return out;
  }

  async loadGroups(
    projectId: string,
    keys: ReadonlyArray<{ groupType: string; groupKey: string }>,
  ): Promise<Map<string, GroupState>> {
    const out = new Map<string, GroupState>();
    if (keys.length === 0) return out;
    const found = await rows<GroupRow>(
      this.pool,
      `SELECT * FROM identity_groups WHERE project_id = $1 AND (group_type, group_key) IN
         (SELECT * FROM unnest($2::bytea[], $3::bytea[]))`,
      [projectId, keys.map((k) => bytes(k.groupType)), keys.map((k) => bytes(k.groupKey))],
    );
    for (const r of found) {
      const g = toGroup(r);
      out.set(groupKey(g.groupType, g.groupKey), g);
    }
    return out;
  }

  async commit(changes: IdentityChanges): Promise<number> {
    return transaction(this.pool, async (tx) => {
      const projects = [
        ...new Set(
          [...changes.merges, ...changes.distinctIds, ...changes.persons, ...changes.groups].map(
            (x) => x.projectId,
          ),
        ),
      ].sort();
      for (const p of projects) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('opsloop.identity'), hashtext($1))`, [
          p,
        ]);
      }
      const corrections = reconcile(await loadView(tx, changes), changes);
      await applyChanges(tx, changes);
      if (corrections) await applyChanges(tx, corrections);
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('opsloop.identity.outbox'), 0)`);
      const append = async (entry: IdentityChanges) =>
        (
          await rows<{ seq: number }>(
            tx,
            'INSERT INTO identity_outbox (changes) VALUES ($1) RETURNING seq',
            [JSON.stringify(entry)],
          )
        )[0]?.seq ?? 0;
      const seq = await append(changes);
      if (corrections) await append(corrections);
      return seq;
    });
  }

  async changesAfter(seq: number): Promise<CommittedChanges[]> {
    const found = await rows<{ seq: number; changes: string }>(
      this.pool,
      'SELECT seq, changes FROM identity_outbox WHERE seq > $1 ORDER BY seq',
      [seq],
    );
    return found.map((r) => ({ ...(JSON.parse(r.changes) as IdentityChanges), seq: r.seq }));
  }

  async pruneThrough(seq: number): Promise<void> {
    await this.pool.query('DELETE FROM identity_outbox WHERE seq <= $1', [seq]);
  }

  async forgetPersons(projectId: string, personIds: readonly string[]): Promise<ForgottenPersons> {
    const ids = [...new Set(personIds)];
    if (ids.length === 0) return { persons: 0, distinctIds: [], mergedPersons: [] };
    return transaction(this.pool, async (tx) => {
      // The commit's lock: no node resolves into these persons meanwhile.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('opsloop.identity'), hashtext($1))`, [
        projectId,
      ]);
      const merged = await rows<{ old_person_id: string }>(
        tx,
        `DELETE FROM identity_person_overrides WHERE project_id = $1 AND person_id = ANY($2::text[])
         RETURNING old_person_id`,
        [projectId, ids],
      );
      const all = [...ids, ...merged.map((m) => m.old_person_id)];
      await tx.query(
        'DELETE FROM identity_person_overrides WHERE project_id = $1 AND old_person_id = ANY($2::text[])',
        [projectId, all],
      );
      const gone = await rows<{ distinct_id: Buffer }>(
        tx,
        `DELETE FROM identity_distinct_ids WHERE project_id = $1 AND person_id = ANY($2::text[])
         RETURNING distinct_id`,
        [projectId, all],
      );
      const persons = await tx.query(
        'DELETE FROM identity_persons WHERE project_id = $1 AND id = ANY($2::text[])',
        [projectId, all],
      );
      const own = new Set(ids);
      return {
        persons: persons.rowCount ?? 0,
        distinctIds: gone.map((g) => g.distinct_id.toString('utf8')).sort(),
        mergedPersons: [...new Set(merged.map((m) => m.old_person_id))]
          .filter((p) => !own.has(p))
          .sort(),
      };
    });
  }

  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}

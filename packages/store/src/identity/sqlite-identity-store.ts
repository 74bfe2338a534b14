import Database from 'better-sqlite3';
import {
  type CommittedChanges,
  type ForgottenPersons,
  type GroupState,
  groupKey,
  type IdentityChanges,
  type IdentityStore,
  type PersonState,
} from './identity-store.js';
import { RecentCache } from './recent-cache.js';

const CACHE_LIMIT = 200_000;
/** SQLite caps bound parameters; look up in chunks of this many. */
const CHUNK = 500;

const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

interface PersonRowDb {
  id: string;
  is_identified: number;
  created_at: number;
  version: number;
  properties: string;
}

/**
 * The identity store of one machine: `<dataDir>/identity.sqlite`, with an
 * in-memory cache of distinct ids (the pipeline is its only writer, so the
 * cache cannot go stale).
 */
export class SqliteIdentityStore implements IdentityStore {
  private readonly ids = new RecentCache<string>(CACHE_LIMIT);
  private readonly applyTx: (changes: IdentityChanges) => number;

  private constructor(private readonly db: Database.Database) {
    this.applyTx = db.transaction((c: IdentityChanges) => this.apply(c));
  }

  static open(path: string): SqliteIdentityStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // 64 MB of pages instead of SQLite's 2 MB: a large project's keys and
    // persons outgrow the default at once, and each commit then rereads its
    // B-tree pages. The demo's 10M-event identity committed 1.20× faster
    // (`node bench/identity/page-cache.mjs 535000 500000 64`); the memory is
    // only taken as the store grows.
    db.pragma(`cache_size = -${64 * 1024}`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS distinct_ids (
        project_id TEXT NOT NULL, distinct_id TEXT NOT NULL, person_id TEXT NOT NULL,
        PRIMARY KEY (project_id, distinct_id));
      CREATE INDEX IF NOT EXISTS distinct_ids_person ON distinct_ids (project_id, person_id);
      CREATE TABLE IF NOT EXISTS persons (
        project_id TEXT NOT NULL, id TEXT NOT NULL, is_identified INTEGER NOT NULL,
        created_at INTEGER NOT NULL, version INTEGER NOT NULL, properties TEXT NOT NULL,
        PRIMARY KEY (project_id, id));
      CREATE TABLE IF NOT EXISTS person_overrides (
        project_id TEXT NOT NULL, old_person_id TEXT NOT NULL, person_id TEXT NOT NULL,
        PRIMARY KEY (project_id, old_person_id));
      CREATE INDEX IF NOT EXISTS overrides_person ON person_overrides (project_id, person_id);
      CREATE TABLE IF NOT EXISTS groups (
        project_id TEXT NOT NULL, group_type TEXT NOT NULL, group_key TEXT NOT NULL,
        created_at INTEGER NOT NULL, version INTEGER NOT NULL, properties TEXT NOT NULL,
        PRIMARY KEY (project_id, group_type, group_key));
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, changes TEXT NOT NULL);
    `);
    return new SqliteIdentityStore(db);
  }

  async lookupDistinctIds(
    projectId: string,
    distinctIds: readonly string[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const d of new Set(distinctIds)) {
      const hit = this.ids.get(`${projectId}\u0000${d}`);
      if (hit) out.set(d, hit);
      else missing.push(d);
    }
    for (const part of chunks(missing)) {
      const rows = this.db
        .prepare(
          `SELECT distinct_id, person_id FROM distinct_ids WHERE project_id = ? AND distinct_id IN (${placeholders(part.length)})`,
        )
        .all(projectId, ...part) as Array<{ distinct_id: string; person_id: string }>;
      for (const r of rows) {
        out.set(r.distinct_id, r.person_id);
        this.ids.set(`${projectId}\u0000${r.distinct_id}`, r.person_id);
      }
    }
    return out;
  }

  async loadPersons(
    projectId: string,
    personIds: readonly string[],
  ): Promise<Map<string, PersonState>> {
    const out = new Map<string, PersonState>();
    for (const part of chunks([...new Set(personIds)])) {
      const rows = this.db
        .prepare(
          `SELECT id, is_identified, created_at, version, properties FROM persons WHERE project_id = ? AND id IN (${placeholders(part.length)})`,
        )
        .all(projectId, ...part) as PersonRowDb[];
      for (const r of rows) {
        out.set(r.id, {
          projectId,
          id: r.id,
          isIdentified: r.is_identified === 1,
          createdAt: r.created_at,
          version: r.version,
          properties: JSON.parse(r.properties),
        });
      }
    }
    return out;
  }

  async loadGroups(
    projectId: string,
    keys: ReadonlyArray<{ groupType: string; groupKey: string }>,
  ): Promise<Map<string, GroupState>> {
    const out = new Map<string, GroupState>();
    const get = this.db.prepare(
      'SELECT created_at, version, properties FROM groups WHERE project_id = ? AND group_type = ? AND group_key = ?',
    );
    for (const k of keys) {
      const r = get.get(projectId, k.groupType, k.groupKey) as
        | { created_at: number; version: number; properties: string }
        | undefined;
      if (r) {
        out.set(groupKey(k.groupType, k.groupKey), {
          projectId,
          groupType: k.groupType,
          groupKey: k.groupKey,
          createdAt: r.created_at,
          version: r.version,
          properties: JSON.parse(r.properties),
        });
      }
    }
    return out;
  }

  async commit(changes: IdentityChanges): Promise<number> {
    try {
      return this.applyTx(changes);
    } catch (err) {
      // The cache may hold ids the rolled-back transaction wrote.
      this.ids.clear();
      throw err;
    }
  }

  async changesAfter(seq: number): Promise<CommittedChanges[]> {
    const rows = this.db
      .prepare('SELECT seq, changes FROM outbox WHERE seq > ? ORDER BY seq')
      .all(seq) as Array<{ seq: number; changes: string }>;
    return rows.map((r) => ({ ...(JSON.parse(r.changes) as IdentityChanges), seq: r.seq }));
  }

  async pruneThrough(seq: number): Promise<void> {
    this.db.prepare('DELETE FROM outbox WHERE seq <= ?').run(seq);
  }

  async forgetPersons(projectId: string, personIds: readonly string[]): Promise<ForgottenPersons> {
    const forget = this.db.transaction((ids: readonly string[]) => {
      const merged = new Set<string>();
      const distinctIds: string[] = [];
      let persons = 0;
      const mergedInto = this.db.prepare(
        'DELETE FROM person_overrides WHERE project_id = ? AND person_id = ? RETURNING old_person_id',
      );
      const dropOwnOverride = this.db.prepare(
        'DELETE FROM person_overrides WHERE project_id = ? AND old_person_id = ?',
      );
      const dropIds = this.db.prepare(
        'DELETE FROM distinct_ids WHERE project_id = ? AND person_id = ? RETURNING distinct_id',
      );
      const dropPerson = this.db.prepare('DELETE FROM persons WHERE project_id = ? AND id = ?');
      for (const id of new Set(ids)) {
        const olds = (mergedInto.all(projectId, id) as Array<{ old_person_id: string }>).map(
          (r) => r.old_person_id,
        );
        for (const p of [id, ...olds]) {
          if (p !== id) merged.add(p);
          dropOwnOverride.run(projectId, p);
          for (const r of dropIds.all(projectId, p) as Array<{ distinct_id: string }>)
            distinctIds.push(r.distinct_id);
          persons += dropPerson.run(projectId, p).changes;
        }
      }
      for (const id of ids) merged.delete(id);
      return { persons, distinctIds: distinctIds.sort(), mergedPersons: [...merged].sort() };
    });
    const out = forget(personIds);
    // Cached ids would send the next event of an old id back to the forgotten person.
    for (const d of out.distinctIds) this.ids.delete(`${projectId}\u0000${d}`);
    return out;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private apply(c: IdentityChanges): number {
    const db = this.db;
    const repointIds = db.prepare(
      'UPDATE distinct_ids SET person_id = ? WHERE project_id = ? AND person_id = ? RETURNING distinct_id',
    );
    const repointOverrides = db.prepare(
      'UPDATE person_overrides SET person_id = ? WHERE project_id = ? AND person_id = ?',
    );
    const addOverride = db.prepare(
      'INSERT OR REPLACE INTO person_overrides (project_id, old_person_id, person_id) VALUES (?, ?, ?)',
    );
    const deletePerson = db.prepare('DELETE FROM persons WHERE project_id = ? AND id = ?');
    for (const m of c.merges) {
      const moved = repointIds.all(m.personId, m.projectId, m.oldPersonId) as Array<{
        distinct_id: string;
      }>;
      for (const r of moved) this.ids.set(`${m.projectId}\u0000${r.distinct_id}`, m.personId);
      repointOverrides.run(m.personId, m.projectId, m.oldPersonId);
      addOverride.run(m.projectId, m.oldPersonId, m.personId);
      deletePerson.run(m.projectId, m.oldPersonId);
    }
    const upsertId = db.prepare(
      'INSERT OR REPLACE INTO distinct_ids (project_id, distinct_id, person_id) VALUES (?, ?, ?)',
    );
    for (const d of c.distinctIds) {
      upsertId.run(d.projectId, d.distinctId, d.personId);
      this.ids.set(`${d.projectId}\u0000${d.distinctId}`, d.personId);
    }
    const upsertPerson = db.prepare(
      'INSERT OR REPLACE INTO persons (project_id, id, is_identified, created_at, version, properties) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const p of c.persons) {
      upsertPerson.run(
        p.projectId,
        p.id,
        p.isIdentified ? 1 : 0,
        p.createdAt,
        p.version,
        JSON.stringify(p.properties),
      );
    }
    const upsertGroup = db.prepare(
      'INSERT OR REPLACE INTO groups (project_id, group_type, group_key, created_at, version, properties) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const g of c.groups) {
      upsertGroup.run(
        g.projectId,
        g.groupType,
        g.groupKey,
        g.createdAt,
        g.version,
        JSON.stringify(g.properties),
      );
    }
    const info = db.prepare('INSERT INTO outbox (changes) VALUES (?)').run(JSON.stringify(c));
    return Number(info.lastInsertRowid);
  }
}

import type { Filter } from '@opsloop/schema';
import { newId } from '../secrets.js';
import { type SqlDriver, type Statement, stmt } from './driver.js';
import type {
  PeopleSettings,
  Segment,
  SegmentChange,
  SegmentKind,
  SegmentSizePoint,
} from './types.js';

/**
 * Saved segments, their current members, the membership change log (who
 * entered or left, when) and their size over time.
 */
export interface SegmentsRepo {
  /** Creates the segment and, for a static one, its members, in one transaction. */
  create(input: {
    projectId: string;
    name: string;
    description?: string;
    kind: SegmentKind;
    filter: Filter | null;
    /** Static segments: the matched persons. */
    members?: readonly string[];
  }): Promise<Segment>;
  byId(id: string): Promise<Segment | null>;
  listForProject(projectId: string): Promise<Segment[]>;
  /** Every dynamic segment of every project, least recently computed first (the job's queue). */
  listDynamic(): Promise<Segment[]>;
  update(
    id: string,
    patch: { name?: string; description?: string; filter?: Filter },
  ): Promise<Segment | null>;
  delete(id: string): Promise<boolean>;
  /**
   * Replaces the members with `members` (the whole current set): logs who
   * entered and who left at `at`, records the size point and the computation
   * time, atomically. Returns the counts.
   */
  applyMembership(
    id: string,
    members: readonly string[],
    at: number,
  ): Promise<{ entered: number; exited: number; size: number }>;
  /** Current members in person-id order; `after` is the last id of the previous page. */
  members(id: string, options: { limit: number; after?: string }): Promise<string[]>;
  /** The change log, newest first; `before` is the seq of the last entry of the previous page. */
  changes(
    id: string,
    options: { limit: number; before?: number; personId?: string },
  ): Promise<SegmentChange[]>;
  sizes(id: string, options?: { from?: number; to?: number }): Promise<SegmentSizePoint[]>;
  /** The segments of a project that the person is a member of now, with when they entered. */
  forPerson(
    projectId: string,
    personId: string,
  ): Promise<{ segment: Segment; enteredAt: number }[]>;
  /** Forgets the person everywhere (members and change log). Returns rows removed. */
  forgetPerson(projectId: string, personId: string): Promise<number>;
}

export interface PeopleSettingsRepo {
  get(projectId: string): Promise<PeopleSettings | null>;
  set(
    projectId: string,
    patch: { stratification?: unknown; rfm?: unknown },
  ): Promise<PeopleSettings>;
  /** Every project with an event retention limit, for the retention job. */
  retentionLimits(): Promise<{ projectId: string; days: number }[]>;
}

interface SegmentRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  kind: string;
  filter: string | null;
  size: number;
  computed_at: number | null;
  created_at: number;
  updated_at: number;
}

const toSegment = (r: SegmentRow): Segment => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  kind: r.kind === 'static' ? 'static' : 'dynamic',
  filter: r.filter === null ? null : (JSON.parse(r.filter) as Filter),
  size: Number(r.size),
  computedAt: r.computed_at === null ? null : Number(r.computed_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Rows per multi-row INSERT (SQLite allows 32766 parameters per statement). */
const CHUNK = 300;

function insertMany(
  head: string,
  width: number,
  rows: readonly (readonly unknown[])[],
): Statement[] {
  const out: Statement[] = [];
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    out.push({ sql: `${head} VALUES ${part.map(() => tuple).join(', ')}`, params: part.flat() });
  }
  return out;
}

function deleteMany(head: string, column: string, ids: readonly string[]): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    out.push({ sql: `${head} AND ${column} IN (${part.map(() => '?').join(', ')})`, params: part });
  }
  return out;
}

export function segmentsRepo(db: SqlDriver, now: () => number): SegmentsRepo {
  const byId = async (id: string) => {
    const [r] = await db.all<SegmentRow>('SELECT * FROM segments WHERE id = ?', [id]);
    return r ? toSegment(r) : null;
  };
  const lastSeq = async (id: string) => {
    const [r] = await db.all<{ s: number | null }>(
      'SELECT max(seq) AS s FROM segment_changes WHERE segment_id = ?',
      [id],
    );
    return Number(r?.s ?? 0);
  };
  return {
    async create(input) {
      const at = now();
      const id = newId('seg');
      const members = [...new Set(input.members ?? [])].sort();
      const isStatic = input.kind === 'static';
      await db.batch([
        stmt(
          `INSERT INTO segments (id, project_id, name, description, kind, filter, size, computed_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id,
          input.projectId,
          input.name,
          input.description ?? '',
          input.kind,
          input.filter === null ? null : JSON.stringify(input.filter),
          members.length,
          isStatic ? at : null,
          at,
          at,
        ),
        ...(isStatic ? membershipStatements(id, members, [], at, 0) : []),
      ]);
      return (await byId(id)) as Segment;
    },
    byId,
    async listForProject(projectId) {
      const found = await db.all<SegmentRow>(
        'SELECT * FROM segments WHERE project_id = ? ORDER BY created_at, name, id',
        [projectId],
      );
      return found.map(toSegment);
    },
    async listDynamic() {
      const found = await db.all<SegmentRow>(
        `SELECT * FROM segments WHERE kind = 'dynamic'
         ORDER BY CASE WHEN computed_at IS NULL THEN 0 ELSE 1 END, computed_at, id`,
      );
      return found.map(toSegment);
    },
    async update(id, patch) {
      const cur = await byId(id);
      if (!cur) return null;
      await db.batch([
        stmt(
          'UPDATE segments SET name = ?, description = ?, filter = ?, updated_at = ? WHERE id = ?',
          patch.name ?? cur.name,
          patch.description ?? cur.description,
          patch.filter !== undefined
            ? JSON.stringify(patch.filter)
            : cur.filter === null
              ? null
              : JSON.stringify(cur.filter),
          now(),
          id,
        ),
      ]);
      return byId(id);
    },
    async delete(id) {
      const cur = await byId(id);
      if (!cur) return false;
      // Children first: foreign keys are not relied on to cascade (SQLite needs a pragma).
      await db.batch([
        stmt('DELETE FROM segment_members WHERE segment_id = ?', id),
        stmt('DELETE FROM segment_changes WHERE segment_id = ?', id),
        stmt('DELETE FROM segment_sizes WHERE segment_id = ?', id),
        stmt('DELETE FROM segments WHERE id = ?', id),
      ]);
      return true;
    },
    async applyMembership(id, members, at) {
      const current = new Set(
        (
          await db.all<{ person_id: string }>(
            'SELECT person_id FROM segment_members WHERE segment_id = ?',
            [id],
          )
        ).map((r) => r.person_id),
      );
      const next = new Set(members);
      const entered = [...next].filter((p) => !current.has(p)).sort();
      const exited = [...current].filter((p) => !next.has(p)).sort();
      const seq = await lastSeq(id);
      await db.batch([
        ...membershipStatements(id, entered, exited, at, seq),
        stmt('UPDATE segments SET size = ?, computed_at = ? WHERE id = ?', next.size, at, id),
      ]);
      return { entered: entered.length, exited: exited.length, size: next.size };
    },
    async members(id, { limit, after }) {
      const found = await db.all<{ person_id: string }>(
        `SELECT person_id FROM segment_members WHERE segment_id = ? AND person_id > ?
         ORDER BY person_id LIMIT ?`,
        [id, after ?? '', limit],
      );
      return found.map((r) => r.person_id);
    },
    async changes(id, { limit, before, personId }) {
      const found = await db.all<{ seq: number; person_id: string; change: string; at: number }>(
        `SELECT seq, person_id, change, at FROM segment_changes
         WHERE segment_id = ? AND seq < ?${personId === undefined ? '' : ' AND person_id = ?'}
         ORDER BY seq DESC LIMIT ?`,
        [
          id,
          before ?? Number.MAX_SAFE_INTEGER,
          ...(personId === undefined ? [] : [personId]),
          limit,
        ],
      );
      return found.map((r) => ({
        seq: Number(r.seq),
        personId: r.person_id,
        change: r.change === 'left' ? 'left' : 'entered',
        at: Number(r.at),
      }));
    },
    async sizes(id, options = {}) {
      const found = await db.all<{ at: number; size: number; entered: number; exited: number }>(
        `SELECT at, size, entered, exited FROM segment_sizes
         WHERE segment_id = ? AND at >= ? AND at <= ? ORDER BY at`,
        [id, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER],
      );
      return found.map((r) => ({
        at: Number(r.at),
        size: Number(r.size),
        entered: Number(r.entered),
        exited: Number(r.exited),
      }));
    },
    async forPerson(projectId, personId) {
      const found = await db.all<SegmentRow & { entered_at: number }>(
        `SELECT s.*, m.entered_at AS entered_at FROM segment_members m
         JOIN segments s ON s.id = m.segment_id
         WHERE s.project_id = ? AND m.person_id = ? ORDER BY s.created_at, s.id`,
        [projectId, personId],
      );
      return found.map((r) => ({ segment: toSegment(r), enteredAt: Number(r.entered_at) }));
    },
    async forgetPerson(projectId, personId) {
      const within = 'segment_id IN (SELECT id FROM segments WHERE project_id = ?)';
      const [a] = await db.all<{ n: number }>(
        `SELECT (SELECT count(*) FROM segment_members WHERE person_id = ? AND ${within})
              + (SELECT count(*) FROM segment_changes WHERE person_id = ? AND ${within}) AS n`,
        [personId, projectId, personId, projectId],
      );
      await db.batch([
        stmt(`DELETE FROM segment_members WHERE person_id = ? AND ${within}`, personId, projectId),
        stmt(`DELETE FROM segment_changes WHERE person_id = ? AND ${within}`, personId, projectId),
        stmt(
          `UPDATE segments SET size = (SELECT count(*) FROM segment_members m WHERE m.segment_id = segments.id)
           WHERE project_id = ?`,
          projectId,
        ),
      ]);
      return Number(a?.n ?? 0);
    },
  };
}

function membershipStatements(
  id: string,
  entered: readonly string[],
  exited: readonly string[],
  at: number,
  seq: number,
): Statement[] {
  const changes = [
    ...entered.map((p) => [p, 'entered'] as const),
    ...exited.map((p) => [p, 'left'] as const),
  ];
  const size = stmt(
    `INSERT INTO segment_sizes (segment_id, at, size, entered, exited)
     VALUES (?, ?, (SELECT count(*) FROM segment_members WHERE segment_id = ?), ?, ?)
     ON CONFLICT (segment_id, at) DO UPDATE SET size = excluded.size,
       entered = segment_sizes.entered + excluded.entered, exited = segment_sizes.exited + excluded.exited`,
    id,
    at,
    id,
    entered.length,
    exited.length,
  );
  return [
    ...deleteMany('DELETE FROM segment_members WHERE segment_id = ?', 'person_id', exited).map(
      (s) => ({ sql: s.sql, params: [id, ...s.params] }),
    ),
    ...insertMany(
      'INSERT INTO segment_members (segment_id, person_id, entered_at)',
      3,
      entered.map((p) => [id, p, at]),
    ),
    ...insertMany(
      'INSERT INTO segment_changes (segment_id, seq, person_id, change, at)',
      5,
      changes.map(([p, c], i) => [id, seq + i + 1, p, c, at]),
    ),
    size,
  ];
}

interface SettingsRow {
  project_id: string;
  stratification: string | null;
  rfm: string | null;
  updated_at: number;
}

export function peopleSettingsRepo(db: SqlDriver, now: () => number): PeopleSettingsRepo {
  const get = async (projectId: string): Promise<PeopleSettings | null> => {
    const [r] = await db.all<SettingsRow>('SELECT * FROM people_settings WHERE project_id = ?', [
      projectId,
    ]);
    if (!r) return null;
    return {
      projectId,
      stratification: r.stratification === null ? null : JSON.parse(r.stratification),
      rfm: r.rfm === null ? null : JSON.parse(r.rfm),
      updatedAt: Number(r.updated_at),
    };
  };
  return {
    get,
    async set(projectId, patch) {
      const cur = await get(projectId);
      const strat = patch.stratification !== undefined ? patch.stratification : cur?.stratification;
      const rfm = patch.rfm !== undefined ? patch.rfm : cur?.rfm;
      const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
      await db.batch([
        stmt(
          `INSERT INTO people_settings (project_id, stratification, rfm, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (project_id) DO UPDATE SET stratification = excluded.stratification,
             rfm = excluded.rfm, updated_at = excluded.updated_at`,
          projectId,
          json(strat),
          json(rfm),
          now(),
        ),
      ]);
      return (await get(projectId)) as PeopleSettings;
    },
    async retentionLimits() {
      const found = await db.all<{ id: string; settings: string }>(
        'SELECT id, settings FROM projects',
      );
      const out: { projectId: string; days: number }[] = [];
      for (const r of found) {
        const days = (JSON.parse(r.settings) as { eventRetentionDays?: unknown })
          .eventRetentionDays;
        if (typeof days === 'number' && days > 0) out.push({ projectId: r.id, days });
      }
      return out;
    },
  };
}

import type { FlatMirror } from '../duckdb/mirror.js';
import { canonicalUuid } from './rows.js';
import { lit, type Server } from './servers.js';

/** Rows to insert into each `*_rows` identity table, all versioned by the mirror's seq. */
export interface MirrorRows {
  readonly overrides: {
    project_id: string;
    old_person_id: string;
    person_id: string;
    _v: number;
  }[];
  readonly distinctIds: {
    project_id: string;
    distinct_id: string;
    person_id: string;
    _v: number;
  }[];
  readonly persons: {
    project_id: string;
    id: string;
    properties: string;
    is_identified: number;
    created_at: number;
    version: number;
    _v: number;
    _deleted: number;
  }[];
  readonly groups: {
    project_id: string;
    group_type: string;
    group_key: string;
    properties: string;
    created_at: number;
    version: number;
    _v: number;
  }[];
}

const key = (projectId: string, id: string) => `${projectId}\u0000${id}`;

/**
 * Checks every id of a folded mirror before anything is written (a bad change
 * set must leave the store as it was) and returns it with canonical UUIDs.
 */
export function checkMirror(m: FlatMirror): FlatMirror {
  const id = (v: string) => canonicalUuid(v, 'person id');
  return {
    seq: m.seq,
    merges: m.merges.map((x) => ({
      ...x,
      oldPersonId: id(x.oldPersonId),
      personId: id(x.personId),
    })),
    distinctIds: m.distinctIds.map((d) => ({ ...d, personId: id(d.personId) })),
    persons: m.persons.map((p) => ({ ...p, id: id(p.id) })),
    groups: m.groups,
  };
}

/**
 * The rows that make the identity views show `m` applied: what the DuckDB
 * store does with UPDATE and DELETE, written as newer versions instead. The
 * current overrides and distinct ids that point at merged-away persons are
 * read from `reader` and re-pointed; merged-away persons get a tombstone.
 * Applying the same mirror twice writes the same rows (a replay is harmless).
 */
export async function mirrorRows(reader: Server, m: FlatMirror): Promise<MirrorRows> {
  const v = m.seq;
  const target = new Map(m.merges.map((x) => [key(x.projectId, x.oldPersonId), x.personId]));
  const given = new Set(m.distinctIds.map((d) => key(d.projectId, d.distinctId)));
  const rows: MirrorRows = { overrides: [], distinctIds: [], persons: [], groups: [] };
  if (m.merges.length > 0) {
    const byProject = new Map<string, string[]>();
    for (const x of m.merges) {
      const olds = byProject.get(x.projectId) ?? [];
      olds.push(x.oldPersonId);
      byProject.set(x.projectId, olds);
    }
    const where = [...byProject]
      .map(([p, olds]) => `(project_id = ${lit(p)} AND person_id IN (${olds.map(lit).join(', ')}))`)
      .join(' OR ');
    const overrides = await reader.rows<{
      project_id: string;
      old_person_id: string;
      person_id: string;
    }>(`SELECT project_id, old_person_id, person_id FROM person_overrides WHERE ${where}`);
    for (const o of overrides) {
      // Overrides stay flat: whoever pointed at a merged-away person now points at its final one.
      if (target.has(key(o.project_id, o.old_person_id))) continue;
      const to = target.get(key(o.project_id, o.person_id));
      if (to) rows.overrides.push({ ...o, person_id: to, _v: v });
    }
    const ids = await reader.rows<{ project_id: string; distinct_id: string; person_id: string }>(
      `SELECT project_id, distinct_id, person_id FROM person_distinct_ids WHERE ${where}`,
    );
    for (const d of ids) {
      if (given.has(key(d.project_id, d.distinct_id))) continue;
      const to = target.get(key(d.project_id, d.person_id));
      if (to) rows.distinctIds.push({ ...d, person_id: to, _v: v });
    }
    for (const x of m.merges) {
      rows.overrides.push({
        project_id: x.projectId,
        old_person_id: x.oldPersonId,
        person_id: x.personId,
        _v: v,
      });
      rows.persons.push({
        project_id: x.projectId,
        id: x.oldPersonId,
        properties: '{}',
        is_identified: 0,
        created_at: 0,
        version: 0,
        _v: v,
        _deleted: 1,
      });
    }
  }
  for (const d of m.distinctIds) {
    rows.distinctIds.push({
      project_id: d.projectId,
      distinct_id: d.distinctId,
      person_id: d.personId,
      _v: v,
    });
  }
  for (const p of m.persons) {
    rows.persons.push({
      project_id: p.projectId,
      id: p.id,
      properties: JSON.stringify(p.properties),
      is_identified: p.isIdentified ? 1 : 0,
      created_at: Math.trunc(p.createdAt),
      version: p.version,
      _v: v,
      _deleted: 0,
    });
  }
  for (const g of m.groups) {
    rows.groups.push({
      project_id: g.projectId,
      group_type: g.groupType,
      group_key: g.groupKey,
      properties: JSON.stringify(g.properties),
      created_at: Math.trunc(g.createdAt),
      version: g.version,
      _v: v,
    });
  }
  return rows;
}

/** Writes the rows to one server (every server holds every identity row). */
export async function writeMirrorRows(server: Server, rows: MirrorRows): Promise<void> {
  await server.insert('person_overrides_rows', rows.overrides);
  await server.insert('person_distinct_ids_rows', rows.distinctIds);
  await server.insert('persons_rows', rows.persons);
  await server.insert('groups_rows', rows.groups);
}

import type { Database } from 'better-sqlite3';
import { DEFAULT_GROUPS } from '../default-groups.js';
import type { GroupsRepo, MemberChange, MembersRepo, OrgsRepo } from '../meta-store.js';
import { type GroupRow, toGroup, toUser, type UserRow } from '../rows.js';
import { ID_PREFIX, newId } from '../secrets.js';
import type { Group, Organization, OrgRole } from '../types.js';

interface OrgRow {
  id: string;
  name: string;
  created_at: number;
}
const toOrg = (r: OrgRow): Organization => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function sqliteOrgs(db: Database, now: () => number): OrgsRepo {
  const insertGroup = db.prepare(
    'INSERT INTO groups (id, org_id, name, line, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const create = db.transaction((name: string, ownerUserId: string): Organization => {
    const org = { id: newId(ID_PREFIX.org), name, created_at: now() };
    db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(
      org.id,
      name,
      org.created_at,
    );
    db.prepare(
      `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)`,
    ).run(org.id, ownerUserId, org.created_at);
    for (const g of DEFAULT_GROUPS) {
      insertGroup.run(newId(ID_PREFIX.group), org.id, g.name, g.line, org.created_at);
    }
    return toOrg(org);
  });
  return {
    async create({ name, ownerUserId }) {
      return create(name, ownerUserId);
    },
    async byId(id) {
      const r = db.prepare<[string], OrgRow>('SELECT * FROM organizations WHERE id = ?').get(id);
      return r ? toOrg(r) : null;
    },
    async listForUser(userId) {
      return db
        .prepare<[string], OrgRow & { role: OrgRole }>(
          `SELECT o.*, m.role FROM organizations o JOIN memberships m ON m.org_id = o.id
           WHERE m.user_id = ? ORDER BY o.created_at, o.id`,
        )
        .all(userId)
        .map((r) => ({ ...toOrg(r), role: r.role }));
    },
    async first() {
      const r = db
        .prepare<[], OrgRow>('SELECT * FROM organizations ORDER BY created_at, id LIMIT 1')
        .get();
      return r ? toOrg(r) : null;
    },
  };
}

export function sqliteMembers(db: Database, now: () => number): MembersRepo {
  const roleOf = db.prepare<[string, string], { role: OrgRole }>(
    'SELECT role FROM memberships WHERE org_id = ? AND user_id = ?',
  );
  const owners = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM memberships WHERE org_id = ? AND role = 'owner'`,
  );
  const isLastOwner = (orgId: string, userId: string) =>
    roleOf.get(orgId, userId)?.role === 'owner' && (owners.get(orgId)?.n ?? 0) <= 1;

  const setRole = db.transaction((orgId: string, userId: string, role: OrgRole): MemberChange => {
    if (!roleOf.get(orgId, userId)) return 'not_found';
    if (role !== 'owner' && isLastOwner(orgId, userId)) return 'last_owner';
    db.prepare('UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?').run(
      role,
      orgId,
      userId,
    );
    return 'ok';
  });
  const remove = db.transaction((orgId: string, userId: string): MemberChange => {
    if (!roleOf.get(orgId, userId)) return 'not_found';
    if (isLastOwner(orgId, userId)) return 'last_owner';
    db.prepare('DELETE FROM memberships WHERE org_id = ? AND user_id = ?').run(orgId, userId);
    db.prepare(
      `DELETE FROM group_members WHERE user_id = ?
       AND group_id IN (SELECT id FROM groups WHERE org_id = ?)`,
    ).run(userId, orgId);
    return 'ok';
  });
  return {
    async list(orgId) {
      return db
        .prepare<[string], UserRow & { role: OrgRole; joined_at: number }>(
          `SELECT u.*, m.role, m.created_at AS joined_at FROM memberships m
           JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY m.created_at, u.id`,
        )
        .all(orgId)
        .map((r) => ({ user: toUser(r), role: r.role, joinedAt: r.joined_at }));
    },
    async role(orgId, userId) {
      return roleOf.get(orgId, userId)?.role ?? null;
    },
    async add({ orgId, userId, role }) {
      db.prepare(
        `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
      ).run(orgId, userId, role, now());
    },
    async setRole(orgId, userId, role) {
      return setRole(orgId, userId, role);
    },
    async remove(orgId, userId) {
      return remove(orgId, userId);
    },
  };
}

export function sqliteGroups(db: Database, now: () => number): GroupsRepo {
  const row = db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?');
  const memberIds = db.prepare<[string], { user_id: string }>(
    'SELECT user_id FROM group_members WHERE group_id = ?',
  );
  const load = (id: string): Group | null => {
    const r = row.get(id);
    return r
      ? toGroup(
          r,
          memberIds.all(id).map((m) => m.user_id),
        )
      : null;
  };
  const setMembers = db.transaction((id: string, userIds: readonly string[]): Group | null => {
    const g = row.get(id);
    if (!g) return null;
    const unique = [...new Set(userIds)];
    const isMember = db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM memberships WHERE org_id = ? AND user_id = ?',
    );
    if (unique.some((u) => !isMember.get(g.org_id, u))) return null;
    db.prepare('DELETE FROM group_members WHERE group_id = ?').run(id);
    const insert = db.prepare('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)');
    for (const u of unique) insert.run(id, u);
    return load(id);
  });
  return {
    async list(orgId) {
      const rows = db
        .prepare<[string], GroupRow>(
          'SELECT * FROM groups WHERE org_id = ? ORDER BY created_at, rowid',
        )
        .all(orgId);
      const members = db
        .prepare<[string], { group_id: string; user_id: string }>(
          `SELECT gm.group_id, gm.user_id FROM group_members gm
           JOIN groups g ON g.id = gm.group_id WHERE g.org_id = ?`,
        )
        .all(orgId);
      return rows.map((r) =>
        toGroup(
          r,
          members.filter((m) => m.group_id === r.id).map((m) => m.user_id),
        ),
      );
    },
    async byId(id) {
      return load(id);
    },
    async create({ orgId, name, line }) {
      const id = newId(ID_PREFIX.group);
      db.prepare(
        'INSERT INTO groups (id, org_id, name, line, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, orgId, name, line, now());
      return load(id) as Group;
    },
    async update(id, patch) {
      const g = row.get(id);
      if (!g) return null;
      db.prepare('UPDATE groups SET name = ?, line = ? WHERE id = ?').run(
        patch.name ?? g.name,
        patch.line ?? g.line,
        id,
      );
      return load(id);
    },
    async delete(id) {
      return db.prepare('DELETE FROM groups WHERE id = ?').run(id).changes > 0;
    },
    async setMembers(id, userIds) {
      return setMembers(id, userIds);
    },
  };
}

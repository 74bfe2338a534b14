import type pg from 'pg';
import { DEFAULT_GROUPS } from '../default-groups.js';
import type { GroupsRepo, MemberChange, MembersRepo, OrgsRepo } from '../meta-store.js';
import { type GroupRow, toGroup, toUser, type UserRow } from '../rows.js';
import { ID_PREFIX, newId } from '../secrets.js';
import type { Group, Organization, OrgRole } from '../types.js';
import { changes, type Queryable, row, rows, transaction } from './pool.js';

interface OrgRow {
  id: string;
  name: string;
  created_at: number;
}
const toOrg = (r: OrgRow): Organization => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function postgresOrgs(pool: pg.Pool, now: () => number): OrgsRepo {
  return {
    async create({ name, ownerUserId }) {
      const org: OrgRow = { id: newId(ID_PREFIX.org), name, created_at: now() };
      await transaction(pool, async (tx) => {
        await tx.query('INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)', [
          org.id,
          name,
          org.created_at,
        ]);
        await tx.query(
          `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)`,
          [org.id, ownerUserId, org.created_at],
        );
        // One statement; WITH ORDINALITY keeps the listed order in `seq`.
        await tx.query(
          `INSERT INTO groups (id, org_id, name, line, created_at)
           SELECT g.id, $1, g.name, g.line, $2
           FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS g(id, name, line, n)
           ORDER BY g.n`,
          [
            org.id,
            org.created_at,
            DEFAULT_GROUPS.map(() => newId(ID_PREFIX.group)),
            DEFAULT_GROUPS.map((g) => g.name),
            DEFAULT_GROUPS.map((g) => g.line),
          ],
        );
      });
      return toOrg(org);
    },
    async byId(id) {
      const r = await row<OrgRow>(pool, 'SELECT * FROM organizations WHERE id = $1', [id]);
      return r ? toOrg(r) : null;
    },
    async listForUser(userId) {
      const found = await rows<OrgRow & { role: OrgRole }>(
        pool,
        `SELECT o.*, m.role FROM organizations o JOIN memberships m ON m.org_id = o.id
         WHERE m.user_id = $1 ORDER BY o.created_at, o.id`,
        [userId],
      );
      return found.map((r) => ({ ...toOrg(r), role: r.role }));
    },
    async first() {
      const r = await row<OrgRow>(
        pool,
        'SELECT * FROM organizations ORDER BY created_at, id LIMIT 1',
      );
      return r ? toOrg(r) : null;
    },
  };
}

/**
 * The org's memberships, locked until the transaction ends, so two nodes
 * cannot each remove one of the last two owners.
 */
async function lockedRoles(tx: Queryable, orgId: string): Promise<Map<string, OrgRole>> {
  const found = await rows<{ user_id: string; role: OrgRole }>(
    tx,
    'SELECT user_id, role FROM memberships WHERE org_id = $1 FOR UPDATE',
    [orgId],
  );
  return new Map(found.map((r) => [r.user_id, r.role]));
}

const isLastOwner = (roles: Map<string, OrgRole>, userId: string) =>
  roles.get(userId) === 'owner' && [...roles.values()].filter((r) => r === 'owner').length <= 1;

export function postgresMembers(pool: pg.Pool, now: () => number): MembersRepo {
  return {
    async list(orgId) {
      const found = await rows<UserRow & { role: OrgRole; joined_at: number }>(
        pool,
        `SELECT u.*, m.role, m.created_at AS joined_at FROM memberships m
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.created_at, u.id`,
        [orgId],
      );
      return found.map((r) => ({ user: toUser(r), role: r.role, joinedAt: r.joined_at }));
    },
    async role(orgId, userId) {
      const r = await row<{ role: OrgRole }>(
        pool,
        'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2',
        [orgId, userId],
      );
      return r?.role ?? null;
    },
    async add({ orgId, userId, role }) {
      await pool.query(
        `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
        [orgId, userId, role, now()],
      );
    },
    async setRole(orgId, userId, role) {
      return transaction(pool, async (tx): Promise<MemberChange> => {
        const roles = await lockedRoles(tx, orgId);
        if (!roles.has(userId)) return 'not_found';
        if (role !== 'owner' && isLastOwner(roles, userId)) return 'last_owner';
        await tx.query('UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3', [
          role,
          orgId,
          userId,
        ]);
        return 'ok';
      });
    },
    async remove(orgId, userId) {
      return transaction(pool, async (tx): Promise<MemberChange> => {
        const roles = await lockedRoles(tx, orgId);
        if (!roles.has(userId)) return 'not_found';
        if (isLastOwner(roles, userId)) return 'last_owner';
        await tx.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [
          orgId,
          userId,
        ]);
        await tx.query(
          `DELETE FROM group_members WHERE user_id = $1
           AND group_id IN (SELECT id FROM groups WHERE org_id = $2)`,
          [userId, orgId],
        );
        return 'ok';
      });
    },
  };
}

export function postgresGroups(pool: pg.Pool, now: () => number): GroupsRepo {
  const load = async (db: Queryable, id: string): Promise<Group | null> => {
    const r = await row<GroupRow>(db, 'SELECT * FROM groups WHERE id = $1', [id]);
    if (!r) return null;
    const members = await rows<{ user_id: string }>(
      db,
      'SELECT user_id FROM group_members WHERE group_id = $1',
      [id],
    );
    return toGroup(
      r,
      members.map((m) => m.user_id),
    );
  };
  return {
    async list(orgId) {
      const groups = await rows<GroupRow>(
        pool,
        'SELECT * FROM groups WHERE org_id = $1 ORDER BY created_at, seq',
        [orgId],
      );
      const members = await rows<{ group_id: string; user_id: string }>(
        pool,
        `SELECT gm.group_id, gm.user_id FROM group_members gm
         JOIN groups g ON g.id = gm.group_id WHERE g.org_id = $1`,
        [orgId],
      );
      return groups.map((r) =>
        toGroup(
          r,
          members.filter((m) => m.group_id === r.id).map((m) => m.user_id),
        ),
      );
    },
    async byId(id) {
      return load(pool, id);
    },
    async create({ orgId, name, line }) {
      const id = newId(ID_PREFIX.group);
      await pool.query(
        'INSERT INTO groups (id, org_id, name, line, created_at) VALUES ($1, $2, $3, $4, $5)',
        [id, orgId, name, line, now()],
      );
      return (await load(pool, id)) as Group;
    },
    async update(id, patch) {
      const updated = await changes(
        pool,
        'UPDATE groups SET name = coalesce($1, name), line = coalesce($2, line) WHERE id = $3',
        [patch.name ?? null, patch.line ?? null, id],
      );
      return updated > 0 ? load(pool, id) : null;
    },
    async delete(id) {
      return (await changes(pool, 'DELETE FROM groups WHERE id = $1', [id])) > 0;
    },
    async setMembers(id, userIds) {
      return transaction(pool, async (tx) => {
        const g = await row<GroupRow>(tx, 'SELECT * FROM groups WHERE id = $1 FOR UPDATE', [id]);
        if (!g) return null;
        const unique = [...new Set(userIds)];
        const known = await row<{ n: number }>(
          tx,
          'SELECT count(*) AS n FROM memberships WHERE org_id = $1 AND user_id = ANY($2::text[])',
          [g.org_id, unique],
        );
        if ((known?.n ?? 0) !== unique.length) return null;
        await tx.query('DELETE FROM group_members WHERE group_id = $1', [id]);
        await tx.query(
          'INSERT INTO group_members (group_id, user_id) SELECT $1, unnest($2::text[])',
          [id, unique],
        );
        return load(tx, id);
      });
    },
  };
}

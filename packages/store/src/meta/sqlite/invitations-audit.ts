import type { Database } from 'better-sqlite3';
import type { AuditRepo, InvitationsRepo } from '../meta-store.js';
import { type AuditRow, type InvitationRow, toAudit, toInvitation } from '../rows.js';
import { hashSecret, ID_PREFIX, newId, newSecret, newSortableId } from '../secrets.js';
import type { Invitation, OrgRole } from '../types.js';

export function sqliteInvitations(db: Database, now: () => number): InvitationsRepo {
  const row = db.prepare<[string], InvitationRow>('SELECT * FROM invitations WHERE id = ?');
  const accept = db.transaction((id: string, userId: string): boolean => {
    const at = now();
    const inv = row.get(id);
    if (!inv || inv.accepted_at !== null || inv.expires_at <= at) return false;
    db.prepare('UPDATE invitations SET accepted_at = ? WHERE id = ?').run(at, id);
    // Joining never lowers a role the user already has.
    const current = db
      .prepare<[string, string], { role: OrgRole }>(
        'SELECT role FROM memberships WHERE org_id = ? AND user_id = ?',
      )
      .get(inv.org_id, userId);
    if (!current) {
      db.prepare(
        'INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
      ).run(inv.org_id, userId, inv.role, at);
    } else if (RANK[inv.role as OrgRole] > RANK[current.role]) {
      db.prepare('UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?').run(
        inv.role,
        inv.org_id,
        userId,
      );
    }
    return true;
  });
  return {
    async create({ orgId, email, role, invitedBy, ttlMs }) {
      const token = newSecret('inv');
      const at = now();
      const id = newId(ID_PREFIX.invitation);
      db.prepare(
        `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at,
                                  expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, orgId, email.trim(), role, hashSecret(token), invitedBy, at, at + ttlMs);
      return { invitation: toInvitation(row.get(id) as InvitationRow), token };
    },
    async byId(id) {
      const r = row.get(id);
      return r ? toInvitation(r) : null;
    },
    async byToken(token) {
      const r = db
        .prepare<[string], InvitationRow>('SELECT * FROM invitations WHERE token_hash = ?')
        .get(hashSecret(token));
      return r ? toInvitation(r) : null;
    },
    async listPending(orgId) {
      return db
        .prepare<[string, number], InvitationRow>(
          `SELECT * FROM invitations WHERE org_id = ? AND accepted_at IS NULL AND expires_at > ?
           ORDER BY created_at DESC, id DESC`,
        )
        .all(orgId, now())
        .map((r): Invitation => toInvitation(r));
    },
    async accept(id, userId) {
      return accept(id, userId);
    },
    async delete(id) {
      return db.prepare('DELETE FROM invitations WHERE id = ?').run(id).changes > 0;
    },
  };
}

const RANK: Record<OrgRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function sqliteAudit(db: Database, now: () => number): AuditRepo {
  return {
    async append(entry) {
      const at = now();
      const row: AuditRow = {
        id: newSortableId(ID_PREFIX.audit, at),
        org_id: entry.orgId,
        project_id: entry.projectId,
        actor_user_id: entry.actorUserId,
        actor_key_id: entry.actorKeyId,
        action: entry.action,
        target: entry.target,
        details: JSON.stringify(entry.details),
        at,
      };
      db.prepare(
        `INSERT INTO audit_log (id, org_id, project_id, actor_user_id, actor_key_id, action,
                                target, details, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.id,
        row.org_id,
        row.project_id,
        row.actor_user_id,
        row.actor_key_id,
        row.action,
        row.target,
        row.details,
        row.at,
      );
      return toAudit(row);
    },
    async list(orgId, { limit, before }) {
      const cursor = before
        ? db
            .prepare<[string, string], { at: number; id: string }>(
              'SELECT at, id FROM audit_log WHERE id = ? AND org_id = ?',
            )
            .get(before, orgId)
        : undefined;
      if (before && !cursor) return [];
      const rows = cursor
        ? db
            .prepare<[string, number, number, string, number], AuditRow>(
              `SELECT * FROM audit_log WHERE org_id = ? AND (at < ? OR (at = ? AND id < ?))
               ORDER BY at DESC, id DESC LIMIT ?`,
            )
            .all(orgId, cursor.at, cursor.at, cursor.id, limit)
        : db
            .prepare<[string, number], AuditRow>(
              'SELECT * FROM audit_log WHERE org_id = ? ORDER BY at DESC, id DESC LIMIT ?',
            )
            .all(orgId, limit);
      return rows.map(toAudit);
    },
  };
}

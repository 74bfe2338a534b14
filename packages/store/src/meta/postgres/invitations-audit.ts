import type pg from 'pg';
import type { AuditRepo, InvitationsRepo } from '../meta-store.js';
import { type AuditRow, type InvitationRow, toAudit, toInvitation } from '../rows.js';
import { hashSecret, ID_PREFIX, newId, newSecret, newSortableId } from '../secrets.js';
import { changes, row, rows, transaction } from './pool.js';

/** Roles from least to most; joining never lowers a role the user already has. */
const RANKED_ROLES = `ARRAY['viewer', 'member', 'admin', 'owner']`;

export function postgresInvitations(pool: pg.Pool, now: () => number): InvitationsRepo {
  return {
    async create({ orgId, email, role, invitedBy, ttlMs }) {
      const token = newSecret('inv');
      const at = now();
      const r = await row<InvitationRow>(
        pool,
        `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at,
                                  expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          newId(ID_PREFIX.invitation),
          orgId,
          email.trim(),
          role,
          hashSecret(token),
          invitedBy,
          at,
          at + ttlMs,
        ],
      );
      return { invitation: toInvitation(r as InvitationRow), token };
    },
    async byId(id) {
      const r = await row<InvitationRow>(pool, 'SELECT * FROM invitations WHERE id = $1', [id]);
      return r ? toInvitation(r) : null;
    },
    async byToken(token) {
      const r = await row<InvitationRow>(pool, 'SELECT * FROM invitations WHERE token_hash = $1', [
        hashSecret(token),
      ]);
      return r ? toInvitation(r) : null;
    },
    async listPending(orgId) {
      const found = await rows<InvitationRow>(
        pool,
        `SELECT * FROM invitations WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2
         ORDER BY created_at DESC, id DESC`,
        [orgId, now()],
      );
      return found.map(toInvitation);
    },
    async accept(id, userId) {
      const at = now();
      return transaction(pool, async (tx) => {
        // The conditional update is the claim: of two nodes accepting at once, one wins.
        const inv = await row<{ org_id: string; role: string }>(
          tx,
          `UPDATE invitations SET accepted_at = $1
           WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1 RETURNING org_id, role`,
          [at, id],
        );
        if (!inv) return false;
        await tx.query(
          `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role
           WHERE array_position(${RANKED_ROLES}, excluded.role)
               > array_position(${RANKED_ROLES}, memberships.role)`,
          [inv.org_id, userId, inv.role, at],
        );
        return true;
      });
    },
    async delete(id) {
      return (await changes(pool, 'DELETE FROM invitations WHERE id = $1', [id])) > 0;
    },
  };
}

export function postgresAudit(pool: pg.Pool, now: () => number): AuditRepo {
  return {
    async append(entry) {
      const at = now();
      const r: AuditRow = {
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
      await pool.query(
        `INSERT INTO audit_log (id, org_id, project_id, actor_user_id, actor_key_id, action,
                                target, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          r.id,
          r.org_id,
          r.project_id,
          r.actor_user_id,
          r.actor_key_id,
          r.action,
          r.target,
          r.details,
          r.at,
        ],
      );
      return toAudit(r);
    },
    async list(orgId, { limit, before }) {
      // Ids are compared byte-wise (COLLATE "C"), as SQLite does, whatever the database's locale.
      if (before === undefined) {
        const found = await rows<AuditRow>(
          pool,
          'SELECT * FROM audit_log WHERE org_id = $1 ORDER BY at DESC, id COLLATE "C" DESC LIMIT $2',
          [orgId, limit],
        );
        return found.map(toAudit);
      }
      const cursor = await row<{ at: number; id: string }>(
        pool,
        'SELECT at, id FROM audit_log WHERE id = $1 AND org_id = $2',
        [before, orgId],
      );
      if (!cursor) return [];
      const found = await rows<AuditRow>(
        pool,
        `SELECT * FROM audit_log WHERE org_id = $1
           AND (at < $2 OR (at = $2 AND id COLLATE "C" < $3))
         ORDER BY at DESC, id COLLATE "C" DESC LIMIT $4`,
        [orgId, cursor.at, cursor.id, limit],
      );
      return found.map(toAudit);
    },
  };
}

import type { DatabaseSync } from 'node:sqlite';
import type { IdentityStore, IdentityUnlinkResult } from '../port.ts';
import { mapOrNull, toIdentity } from './rows.ts';
import { immediate } from './transaction.ts';

export function identityMethods(db: DatabaseSync): IdentityStore {
  const sql = {
    insertIdentity: db.prepare(
      `INSERT INTO identities (id, user_id, issuer, subject, provider, email, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    identityByIssuerSubject: db.prepare('SELECT * FROM identities WHERE issuer = ? AND subject = ?'),
    identitiesByUser: db.prepare('SELECT * FROM identities WHERE user_id = ? ORDER BY created_at, id'),
    identityOfUser: db.prepare('SELECT id FROM identities WHERE id = ? AND user_id = ?'),
    deleteIdentity: db.prepare('DELETE FROM identities WHERE id = ? AND user_id = ?'),
    // One statement: the count and the delete cannot interleave with another unlink.
    deleteIdentityKeepingOne: db.prepare(
      `DELETE FROM identities WHERE id = :id AND user_id = :user
         AND (SELECT count(*) FROM identities WHERE user_id = :user) > 1`,
    ),
  };

  return {
    async linkIdentity(i) {
      const inserted = sql.insertIdentity.run(
        i.id,
        i.userId,
        i.issuer,
        i.subject,
        i.provider,
        i.email,
        i.createdAt,
      );
      return inserted.changes === 1 ? 'linked' : 'taken';
    },
    async getIdentityByIssuerSubject(issuer, subject) {
      return mapOrNull(sql.identityByIssuerSubject.get(issuer, subject), toIdentity);
    },
    async listIdentitiesByUser(userId) {
      return sql.identitiesByUser.all(userId).map(toIdentity);
    },
    async unlinkIdentity(id, userId, { requireAnother }): Promise<IdentityUnlinkResult> {
      return immediate(db, () => {
        const deleted = requireAnother
          ? sql.deleteIdentityKeepingOne.run({ id, user: userId })
          : sql.deleteIdentity.run(id, userId);
        if (deleted.changes === 1) return 'unlinked';
        return sql.identityOfUser.get(id, userId) !== undefined ? 'last_identity' : 'not_found';
      });
    },
  };
}

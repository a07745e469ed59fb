import type { DatabaseSync } from 'node:sqlite';
import type { PasskeyDeleteResult, PasskeyStore } from '../port.ts';
import { bool } from './columns.ts';
import { mapOrNull, toPasskey } from './rows.ts';
import { immediate } from './transaction.ts';

export function passkeyMethods(db: DatabaseSync): PasskeyStore {
  const sql = {
    insertPasskey: db.prepare(
      `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, aaguid, name,
         created_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    passkeyById: db.prepare('SELECT * FROM passkeys WHERE id = ?'),
    passkeysByUser: db.prepare('SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, id'),
    // Compare-and-set on the counter the assertion was checked against, and only forward.
    usePasskey: db.prepare(
      `UPDATE passkeys SET counter = :counter, backed_up = :backed_up, last_used_at = :at
       WHERE id = :id AND counter = :previous AND (:counter > :previous OR (:counter = 0 AND :previous = 0))`,
    ),
    renamePasskey: db.prepare('UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ? RETURNING *'),
    deletePasskey: db.prepare('DELETE FROM passkeys WHERE id = ? AND user_id = ?'),
    // One statement: the count and the delete cannot interleave with another delete.
    deletePasskeyKeepingOne: db.prepare(
      `DELETE FROM passkeys WHERE id = :id AND user_id = :user
         AND (SELECT count(*) FROM passkeys WHERE user_id = :user) > 1`,
    ),
  };

  return {
    async createPasskey(p) {
      const inserted = sql.insertPasskey.run(
        p.id,
        p.userId,
        p.publicKey,
        p.counter,
        JSON.stringify(p.transports),
        p.deviceType,
        bool(p.backedUp),
        p.aaguid,
        p.name,
        p.createdAt,
        p.lastUsedAt,
      );
      return inserted.changes === 1 ? 'created' : 'duplicate';
    },
    async getPasskey(id) {
      return mapOrNull(sql.passkeyById.get(id), toPasskey);
    },
    async listPasskeysByUser(userId) {
      return sql.passkeysByUser.all(userId).map(toPasskey);
    },
    async updatePasskeyAfterUse(id, use) {
      const result = sql.usePasskey.run({
        id,
        previous: use.previousCounter,
        counter: use.counter,
        backed_up: bool(use.backedUp),
        at: use.lastUsedAt,
      });
      return result.changes === 1;
    },
    async renamePasskey(id, userId, name) {
      return mapOrNull(sql.renamePasskey.get(name, id, userId), toPasskey);
    },
    async deletePasskey(id, userId, { requireAnother }): Promise<PasskeyDeleteResult> {
      return immediate(db, () => {
        const deleted = requireAnother
          ? sql.deletePasskeyKeepingOne.run({ id, user: userId })
          : sql.deletePasskey.run(id, userId);
        if (deleted.changes === 1) return 'deleted';
        const row = sql.passkeyById.get(id);
        return row !== undefined && row['user_id'] === userId ? 'last_passkey' : 'not_found';
      });
    },
  };
}

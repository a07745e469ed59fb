import type { DatabaseSync } from 'node:sqlite';
import type { OneTimeConsumeResult, OneTimeStore } from '../port.ts';
import { mapOrNull, toOneTime } from './rows.ts';
import { immediate } from './transaction.ts';

export function oneTimeMethods(db: DatabaseSync): OneTimeStore {
  const sql = {
    putOneTime: db.prepare(
      `INSERT INTO one_time (kind, id, payload, expires_at, used_at, note) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at,
         used_at = excluded.used_at, note = excluded.note`,
    ),
    liveOneTime: db.prepare('SELECT * FROM one_time WHERE kind = ? AND id = ? AND expires_at > ?'),
    spendOneTime: db.prepare(
      `UPDATE one_time SET used_at = :now, note = :note
       WHERE kind = :kind AND id = :id AND used_at IS NULL AND expires_at > :now RETURNING *`,
    ),
    deleteOneTime: db.prepare('DELETE FROM one_time WHERE kind = ? AND id = ?'),
  };

  return {
    async putOneTime(r) {
      sql.putOneTime.run(r.kind, r.id, r.payload, r.expiresAt, r.usedAt, r.note);
    },
    async getOneTime(kind, id, now) {
      return mapOrNull(sql.liveOneTime.get(kind, id, now), toOneTime);
    },
    async consumeOneTime(kind, id, now, note): Promise<OneTimeConsumeResult> {
      // The conditional update is the consumption; the read only explains a refusal. Holding the
      // write lock keeps a concurrent putOneTime (which may reset the row) out between the two.
      return immediate(db, () => {
        const spent = sql.spendOneTime.get({ kind, id, now, note });
        if (spent) return { status: 'consumed', record: toOneTime(spent) };
        const row = sql.liveOneTime.get(kind, id, now);
        if (row && row['used_at'] !== null) return { status: 'reused', record: toOneTime(row) };
        return { status: 'missing' };
      });
    },
    async deleteOneTime(kind, id) {
      sql.deleteOneTime.run(kind, id);
    },
  };
}

/** Drops expired one-time records; deleteExpired runs it inside its transaction. */
export function oneTimeCleanup(db: DatabaseSync): (now: number) => void {
  const expireOneTime = db.prepare('DELETE FROM one_time WHERE expires_at <= ?');
  return (now) => {
    expireOneTime.run(now);
  };
}

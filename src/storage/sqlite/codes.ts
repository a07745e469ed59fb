import type { DatabaseSync } from 'node:sqlite';
import type { CodeConsumeResult, CodeStore } from '../port.ts';
import { immediate } from './transaction.ts';

export function codeMethods(db: DatabaseSync): CodeStore {
  const sql = {
    putCode: db.prepare(
      `INSERT INTO codes (key, hash, expires_at, attempts) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at,
         attempts = excluded.attempts`,
    ),
    takeCode: db.prepare(
      'DELETE FROM codes WHERE key = ? AND hash = ? AND expires_at > ? AND attempts < ? RETURNING key',
    ),
    countWrongCode: db.prepare(
      'UPDATE codes SET attempts = attempts + 1 WHERE key = ? AND expires_at > ? AND attempts < ? RETURNING key',
    ),
    liveCode: db.prepare('SELECT key FROM codes WHERE key = ? AND expires_at > ?'),
    deleteCode: db.prepare('DELETE FROM codes WHERE key = ?'),
  };

  return {
    async putCode(code) {
      sql.putCode.run(code.key, code.hash, code.expiresAt, code.attempts);
    },
    async consumeCode(key, hash, now, maxAttempts): Promise<CodeConsumeResult> {
      return immediate(db, () => {
        // The conditional delete is the consumption; the rest only explains a refusal.
        if (sql.takeCode.get(key, hash, now, maxAttempts)) return 'consumed';
        if (sql.countWrongCode.get(key, now, maxAttempts)) return 'mismatch';
        return sql.liveCode.get(key, now) ? 'exhausted' : 'missing';
      });
    },
    async deleteCode(key) {
      sql.deleteCode.run(key);
    },
  };
}

/** Drops expired codes; deleteExpired runs it inside its transaction. */
export function codeCleanup(db: DatabaseSync): (now: number) => void {
  const expireCodes = db.prepare('DELETE FROM codes WHERE expires_at <= ?');
  return (now) => {
    expireCodes.run(now);
  };
}

import type { DatabaseSync } from 'node:sqlite';
import type { RefreshConsumeResult, RefreshTokenRecord, SessionStore } from '../port.ts';
import { mapOrNull, toRefresh, toSession } from './rows.ts';

/** Sessions and their refresh tokens. */
export function sessionMethods(db: DatabaseSync): SessionStore {
  const sql = {
    insertSession: db.prepare(
      `INSERT INTO sessions (id, user_id, client_id, scope, auth_time, amr, created_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    sessionById: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    // The first revocation time is kept.
    revokeSession: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeUserSessions: db.prepare(
      `UPDATE sessions SET revoked_at = :now
       WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now AND id IS NOT :except`,
    ),
    insertRefresh: db.prepare(
      `INSERT INTO refresh_tokens (hash, session_id, user_id, client_id, scope, created_at, expires_at, used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    spendRefresh: db.prepare(
      `UPDATE refresh_tokens SET used_at = :now
       WHERE hash = :hash AND used_at IS NULL AND expires_at > :now RETURNING *`,
    ),
    liveRefresh: db.prepare('SELECT * FROM refresh_tokens WHERE hash = ? AND expires_at > ?'),
    getRefresh: db.prepare('SELECT * FROM refresh_tokens WHERE hash = ?'),
  };

  return {
    async createSession(s) {
      sql.insertSession.run(
        s.id,
        s.userId,
        s.clientId,
        s.scope,
        s.authTime,
        JSON.stringify(s.amr),
        s.createdAt,
        s.expiresAt,
        s.revokedAt,
      );
    },
    async getSession(id) {
      return mapOrNull(sql.sessionById.get(id), toSession);
    },
    async revokeSession(id, now) {
      sql.revokeSession.run(now, id);
    },
    async revokeUserSessions(userId, now, exceptSessionId) {
      sql.revokeUserSessions.run({ now, user: userId, except: exceptSessionId ?? null });
    },
    async insertRefreshToken(t) {
      sql.insertRefresh.run(
        t.hash,
        t.sessionId,
        t.userId,
        t.clientId,
        t.scope,
        t.createdAt,
        t.expiresAt,
        t.usedAt,
      );
    },
    async getRefreshToken(hash): Promise<RefreshTokenRecord | null> {
      const row = sql.getRefresh.get(hash);
      return row ? toRefresh(row) : null;
    },

    async consumeRefreshToken(hash, now): Promise<RefreshConsumeResult> {
      const spent = sql.spendRefresh.get({ hash, now });
      if (spent) return { status: 'consumed', token: toRefresh(spent) };
      // Not consumable: either already spent (a replay) or absent/expired. A live row can only
      // go from unused to used, so this read cannot contradict the update above.
      const row = sql.liveRefresh.get(hash, now);
      if (row && row['used_at'] !== null) return { status: 'reused', token: toRefresh(row) };
      return { status: 'missing' };
    },
  };
}

/** Drops expired refresh tokens, then expired sessions; deleteExpired runs it inside its transaction. */
export function sessionCleanup(db: DatabaseSync): (now: number) => void {
  // Sessions cascade to their refresh tokens.
  const expireRefresh = db.prepare('DELETE FROM refresh_tokens WHERE expires_at <= ?');
  const expireSessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  return (now) => {
    expireRefresh.run(now);
    expireSessions.run(now);
  };
}

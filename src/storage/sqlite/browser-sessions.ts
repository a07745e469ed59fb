import type { DatabaseSync } from 'node:sqlite';
import type { BrowserSessionStore } from '../port.ts';
import { mapOrNull, toBrowserSession } from './rows.ts';

export function browserSessionMethods(db: DatabaseSync): BrowserSessionStore {
  const sql = {
    insertBrowserSession: db.prepare(
      `INSERT INTO browser_sessions (hash, user_id, auth_time, amr, created_at, idle_expires_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    browserSessionByHash: db.prepare('SELECT * FROM browser_sessions WHERE hash = ?'),
    touchBrowserSession: db.prepare('UPDATE browser_sessions SET idle_expires_at = ? WHERE hash = ?'),
    // The first revocation time is kept.
    revokeBrowserSession: db.prepare(
      'UPDATE browser_sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL',
    ),
    revokeUserBrowserSessions: db.prepare(
      `UPDATE browser_sessions SET revoked_at = :now
       WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now`,
    ),
  };

  return {
    async createBrowserSession(s) {
      sql.insertBrowserSession.run(
        s.hash,
        s.userId,
        s.authTime,
        JSON.stringify(s.amr),
        s.createdAt,
        s.idleExpiresAt,
        s.expiresAt,
        s.revokedAt,
      );
    },
    async getBrowserSession(hash) {
      return mapOrNull(sql.browserSessionByHash.get(hash), toBrowserSession);
    },
    async touchBrowserSession(hash, idleExpiresAt) {
      sql.touchBrowserSession.run(idleExpiresAt, hash);
    },
    async revokeBrowserSession(hash, now) {
      sql.revokeBrowserSession.run(now, hash);
    },
    async revokeUserBrowserSessions(userId, now) {
      sql.revokeUserBrowserSessions.run({ now, user: userId });
    },
  };
}

/** Drops expired browser sessions; deleteExpired runs it inside its transaction. */
export function browserSessionCleanup(db: DatabaseSync): (now: number) => void {
  const expireBrowserSessions = db.prepare('DELETE FROM browser_sessions WHERE expires_at <= ?');
  return (now) => {
    expireBrowserSessions.run(now);
  };
}

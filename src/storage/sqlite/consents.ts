import type { DatabaseSync } from 'node:sqlite';
import type { ConsentStore } from '../port.ts';
import { strings } from './columns.ts';

export function consentMethods(db: DatabaseSync): ConsentStore {
  const sql = {
    getConsent: db.prepare('SELECT scopes FROM consents WHERE user_id = ? AND client_id = ?'),
    putConsent: db.prepare(
      `INSERT INTO consents (user_id, client_id, scopes, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at`,
    ),
  };

  return {
    async getConsent(userId, clientId) {
      const row = sql.getConsent.get(userId, clientId);
      return row ? strings(row['scopes']) : [];
    },
    async putConsent(userId, clientId, scopes, now) {
      sql.putConsent.run(userId, clientId, JSON.stringify(scopes), now);
    },
  };
}

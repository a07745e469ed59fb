import type { DatabaseSync } from 'node:sqlite';
import type { KeyStore } from '../port.ts';
import { toKey } from './rows.ts';

export function keyMethods(db: DatabaseSync): KeyStore {
  const sql = {
    listKeys: db.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid'),
    putKey: db.prepare(
      `INSERT INTO signing_keys (kid, alg, public_jwk, sealed_private_jwk, created_at, activates_at, retired_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kid) DO UPDATE SET alg = excluded.alg, public_jwk = excluded.public_jwk,
         sealed_private_jwk = excluded.sealed_private_jwk, created_at = excluded.created_at,
         activates_at = excluded.activates_at, retired_at = excluded.retired_at, expires_at = excluded.expires_at`,
    ),
    retireKey: db.prepare(
      'UPDATE signing_keys SET retired_at = ?, expires_at = ? WHERE kid = ? AND retired_at IS NULL',
    ),
    deleteKey: db.prepare('DELETE FROM signing_keys WHERE kid = ?'),
  };

  return {
    async listSigningKeys() {
      return sql.listKeys.all().map(toKey);
    },
    async putSigningKey(k) {
      sql.putKey.run(
        k.kid,
        k.alg,
        k.publicJwk,
        k.sealedPrivateJwk,
        k.createdAt,
        k.activatesAt,
        k.retiredAt,
        k.expiresAt,
      );
    },
    async retireSigningKey(kid, retiredAt, expiresAt) {
      return sql.retireKey.run(retiredAt, expiresAt, kid).changes === 1;
    },
    async deleteSigningKey(kid) {
      sql.deleteKey.run(kid);
    },
  };
}

/** Drops signing keys past their expiry; deleteExpired runs it inside its transaction. */
export function keyCleanup(db: DatabaseSync): (now: number) => void {
  const expireKeys = db.prepare('DELETE FROM signing_keys WHERE expires_at IS NOT NULL AND expires_at < ?');
  return (now) => {
    expireKeys.run(now);
  };
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import type {
  BrowserSessionRecord,
  CodeConsumeResult,
  IdentityRecord,
  IdentityUnlinkResult,
  OneTimeConsumeResult,
  OneTimeRecord,
  PasskeyDeleteResult,
  PasskeyRecord,
  RefreshConsumeResult,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  Store,
  ThrottleState,
  UserPatch,
  UserRecord,
} from '../port.ts';
import { migrate } from './migrations.ts';

/**
 * The embedded adapter: one SQLite file (WAL) that several processes on one host may share.
 * node:sqlite is synchronous, so each method is atomic within this process; operations of more
 * than one statement take BEGIN IMMEDIATE so they also hold against other processes.
 *
 * consumeRefreshToken is purely about the token: a token whose session was revoked is still
 * `consumed` here. The core must check the session (revokedAt, expiresAt) before honouring it.
 * Likewise getBrowserSession returns the row whatever its state; the core checks it.
 */

/** Throttle rows idle this long are dropped by deleteExpired (longer than any throttle window). */
const THROTTLE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** SQLITE_CONSTRAINT_UNIQUE extended result code. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

type Row = Record<string, SQLOutputValue>;

export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // busy_timeout first: switching to WAL and migrating may wait on another process's lock.
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA synchronous = NORMAL');
  migrate(db);

  const sql = {
    insertUser: db.prepare(
      `INSERT INTO users (id, email, email_verified, name, password_hash, roles, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    userByEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
    // One statement so a patch is atomic; a set_* flag distinguishes "set to null" from "leave".
    updateUser: db.prepare(
      `UPDATE users SET
         email_verified = CASE WHEN :set_ev THEN :ev ELSE email_verified END,
         name = CASE WHEN :set_name THEN :name ELSE name END,
         password_hash = CASE WHEN :set_ph THEN :ph ELSE password_hash END,
         roles = CASE WHEN :set_roles THEN :roles ELSE roles END,
         disabled = CASE WHEN :set_dis THEN :dis ELSE disabled END,
         updated_at = :now
       WHERE id = :id RETURNING *`,
    ),

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

    // A failure after a quiet spell longer than the window starts a new count.
    recordFailure: db.prepare(
      `INSERT INTO throttles (key, failures, last_failure_at) VALUES (:key, 1, :now)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN last_failure_at < :now - :window THEN 1 ELSE failures + 1 END,
         last_failure_at = max(last_failure_at, :now)
       RETURNING failures, last_failure_at`,
    ),
    getThrottle: db.prepare(
      'SELECT failures, last_failure_at FROM throttles WHERE key = ? AND last_failure_at >= ?',
    ),
    clearThrottle: db.prepare('DELETE FROM throttles WHERE key = ?'),

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

    getConsent: db.prepare('SELECT scopes FROM consents WHERE user_id = ? AND client_id = ?'),
    putConsent: db.prepare(
      `INSERT INTO consents (user_id, client_id, scopes, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at`,
    ),

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

    // Sessions cascade to their refresh tokens.
    expireCodes: db.prepare('DELETE FROM codes WHERE expires_at <= ?'),
    expireRefresh: db.prepare('DELETE FROM refresh_tokens WHERE expires_at <= ?'),
    expireSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    expireThrottles: db.prepare('DELETE FROM throttles WHERE last_failure_at < ?'),
    expireKeys: db.prepare('DELETE FROM signing_keys WHERE expires_at IS NOT NULL AND expires_at < ?'),
    expireOneTime: db.prepare('DELETE FROM one_time WHERE expires_at <= ?'),
    expireBrowserSessions: db.prepare('DELETE FROM browser_sessions WHERE expires_at <= ?'),
  };

  /** Run `fn` holding the write lock from the start, so no other process interleaves. */
  function immediate<T>(fn: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }

  return {
    async createUser(user) {
      try {
        sql.insertUser.run(
          user.id,
          user.email,
          bool(user.emailVerified),
          user.name,
          user.passwordHash,
          JSON.stringify(user.roles),
          bool(user.disabled),
          user.createdAt,
          user.updatedAt,
        );
        return 'created';
      } catch (err) {
        if (isUniqueViolation(err, 'users.email')) return 'email_taken';
        throw err;
      }
    },
    async getUserById(id) {
      return mapOrNull(sql.userById.get(id), toUser);
    },
    async getUserByEmail(email) {
      return mapOrNull(sql.userByEmail.get(email), toUser);
    },
    async updateUser(id, patch: UserPatch, now) {
      const row = sql.updateUser.get({
        id,
        now,
        set_ev: bool(patch.emailVerified !== undefined),
        ev: bool(patch.emailVerified ?? false),
        set_name: bool(patch.name !== undefined),
        name: patch.name ?? null,
        set_ph: bool(patch.passwordHash !== undefined),
        ph: patch.passwordHash ?? null,
        set_roles: bool(patch.roles !== undefined),
        roles: JSON.stringify(patch.roles ?? []),
        set_dis: bool(patch.disabled !== undefined),
        dis: bool(patch.disabled ?? false),
      });
      return mapOrNull(row, toUser);
    },

    async putCode(code) {
      sql.putCode.run(code.key, code.hash, code.expiresAt, code.attempts);
    },
    async consumeCode(key, hash, now, maxAttempts): Promise<CodeConsumeResult> {
      return immediate(() => {
        // The conditional delete is the consumption; the rest only explains a refusal.
        if (sql.takeCode.get(key, hash, now, maxAttempts)) return 'consumed';
        if (sql.countWrongCode.get(key, now, maxAttempts)) return 'mismatch';
        return sql.liveCode.get(key, now) ? 'exhausted' : 'missing';
      });
    },
    async deleteCode(key) {
      sql.deleteCode.run(key);
    },

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

    async recordFailure(key, now, windowMs) {
      return toThrottle(sql.recordFailure.get({ key, now, window: windowMs })!);
    },
    async getThrottle(key, now, windowMs) {
      return mapOrNull(sql.getThrottle.get(key, now - windowMs), toThrottle);
    },
    async clearThrottle(key) {
      sql.clearThrottle.run(key);
    },

    async putOneTime(r) {
      sql.putOneTime.run(r.kind, r.id, r.payload, r.expiresAt, r.usedAt, r.note);
    },
    async getOneTime(kind, id, now) {
      return mapOrNull(sql.liveOneTime.get(kind, id, now), toOneTime);
    },
    async consumeOneTime(kind, id, now, note): Promise<OneTimeConsumeResult> {
      // The conditional update is the consumption; the read only explains a refusal. Holding the
      // write lock keeps a concurrent putOneTime (which may reset the row) out between the two.
      return immediate(() => {
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

    async getConsent(userId, clientId) {
      const row = sql.getConsent.get(userId, clientId);
      return row ? strings(row['scopes']) : [];
    },
    async putConsent(userId, clientId, scopes, now) {
      sql.putConsent.run(userId, clientId, JSON.stringify(scopes), now);
    },

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
      return immediate(() => {
        const deleted = requireAnother
          ? sql.deletePasskeyKeepingOne.run({ id, user: userId })
          : sql.deletePasskey.run(id, userId);
        if (deleted.changes === 1) return 'deleted';
        const row = sql.passkeyById.get(id);
        return row !== undefined && row['user_id'] === userId ? 'last_passkey' : 'not_found';
      });
    },

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
      return immediate(() => {
        const deleted = requireAnother
          ? sql.deleteIdentityKeepingOne.run({ id, user: userId })
          : sql.deleteIdentity.run(id, userId);
        if (deleted.changes === 1) return 'unlinked';
        return sql.identityOfUser.get(id, userId) !== undefined ? 'last_identity' : 'not_found';
      });
    },

    async deleteExpired(now) {
      immediate(() => {
        sql.expireCodes.run(now);
        sql.expireRefresh.run(now);
        sql.expireSessions.run(now);
        sql.expireThrottles.run(now - THROTTLE_RETENTION_MS);
        sql.expireKeys.run(now);
        sql.expireOneTime.run(now);
        sql.expireBrowserSessions.run(now);
      });
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function isUniqueViolation(err: unknown, column: string): boolean {
  if (!(err instanceof Error) || !('errcode' in err)) return false;
  return err.errcode === SQLITE_CONSTRAINT_UNIQUE && err.message.includes(column);
}

function bool(b: boolean): number {
  return b ? 1 : 0;
}

function mapOrNull<T>(row: Row | undefined, map: (row: Row) => T): T | null {
  return row ? map(row) : null;
}

function str(v: SQLOutputValue | undefined): string {
  if (typeof v !== 'string') throw new TypeError(`expected text column, got ${typeof v}`);
  return v;
}

function strOrNull(v: SQLOutputValue | undefined): string | null {
  return v === null ? null : str(v);
}

function num(v: SQLOutputValue | undefined): number {
  if (typeof v !== 'number') throw new TypeError(`expected integer column, got ${typeof v}`);
  return v;
}

function numOrNull(v: SQLOutputValue | undefined): number | null {
  return v === null ? null : num(v);
}

function strings(v: SQLOutputValue | undefined): string[] {
  return JSON.parse(str(v)) as string[];
}

function toUser(r: Row): UserRecord {
  return {
    id: str(r['id']),
    email: str(r['email']),
    emailVerified: num(r['email_verified']) === 1,
    name: strOrNull(r['name']),
    passwordHash: strOrNull(r['password_hash']),
    roles: strings(r['roles']),
    disabled: num(r['disabled']) === 1,
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}

function toSession(r: Row): SessionRecord {
  return {
    id: str(r['id']),
    userId: str(r['user_id']),
    clientId: str(r['client_id']),
    scope: str(r['scope']),
    authTime: num(r['auth_time']),
    amr: strings(r['amr']),
    createdAt: num(r['created_at']),
    expiresAt: num(r['expires_at']),
    revokedAt: numOrNull(r['revoked_at']),
  };
}

function toRefresh(r: Row): RefreshTokenRecord {
  return {
    hash: str(r['hash']),
    sessionId: str(r['session_id']),
    userId: str(r['user_id']),
    clientId: str(r['client_id']),
    scope: str(r['scope']),
    createdAt: num(r['created_at']),
    expiresAt: num(r['expires_at']),
    usedAt: numOrNull(r['used_at']),
  };
}

function toKey(r: Row): SigningKeyRecord {
  return {
    kid: str(r['kid']),
    alg: str(r['alg']),
    publicJwk: str(r['public_jwk']),
    sealedPrivateJwk: str(r['sealed_private_jwk']),
    createdAt: num(r['created_at']),
    activatesAt: num(r['activates_at']),
    retiredAt: numOrNull(r['retired_at']),
    expiresAt: numOrNull(r['expires_at']),
  };
}

function toOneTime(r: Row): OneTimeRecord {
  return {
    kind: str(r['kind']),
    id: str(r['id']),
    payload: str(r['payload']),
    expiresAt: num(r['expires_at']),
    usedAt: numOrNull(r['used_at']),
    note: strOrNull(r['note']),
  };
}

function toBrowserSession(r: Row): BrowserSessionRecord {
  return {
    hash: str(r['hash']),
    userId: str(r['user_id']),
    authTime: num(r['auth_time']),
    amr: strings(r['amr']),
    createdAt: num(r['created_at']),
    idleExpiresAt: num(r['idle_expires_at']),
    expiresAt: num(r['expires_at']),
    revokedAt: numOrNull(r['revoked_at']),
  };
}

function toPasskey(r: Row): PasskeyRecord {
  const deviceType = str(r['device_type']);
  if (deviceType !== 'singleDevice' && deviceType !== 'multiDevice') {
    throw new TypeError(`unexpected passkey device_type ${deviceType}`);
  }
  return {
    id: str(r['id']),
    userId: str(r['user_id']),
    publicKey: str(r['public_key']),
    counter: num(r['counter']),
    transports: strings(r['transports']),
    deviceType,
    backedUp: num(r['backed_up']) === 1,
    aaguid: str(r['aaguid']),
    name: str(r['name']),
    createdAt: num(r['created_at']),
    lastUsedAt: numOrNull(r['last_used_at']),
  };
}

function toIdentity(r: Row): IdentityRecord {
  return {
    id: str(r['id']),
    userId: str(r['user_id']),
    issuer: str(r['issuer']),
    subject: str(r['subject']),
    provider: str(r['provider']),
    email: strOrNull(r['email']),
    createdAt: num(r['created_at']),
  };
}

function toThrottle(r: Row): ThrottleState {
  return { failures: num(r['failures']), lastFailureAt: num(r['last_failure_at']) };
}

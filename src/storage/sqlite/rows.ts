import type {
  BrowserSessionRecord,
  IdentityRecord,
  OneTimeRecord,
  PasskeyRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  ThrottleState,
  UserRecord,
} from '../port.ts';
import { num, numOrNull, type Row, str, strings, strOrNull } from './columns.ts';

/** Row → record mappers, one per table. */

export function mapOrNull<T>(row: Row | undefined, map: (row: Row) => T): T | null {
  return row ? map(row) : null;
}

export function toUser(r: Row): UserRecord {
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

export function toSession(r: Row): SessionRecord {
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

export function toRefresh(r: Row): RefreshTokenRecord {
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

export function toKey(r: Row): SigningKeyRecord {
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

export function toOneTime(r: Row): OneTimeRecord {
  return {
    kind: str(r['kind']),
    id: str(r['id']),
    payload: str(r['payload']),
    expiresAt: num(r['expires_at']),
    usedAt: numOrNull(r['used_at']),
    note: strOrNull(r['note']),
  };
}

export function toBrowserSession(r: Row): BrowserSessionRecord {
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

export function toPasskey(r: Row): PasskeyRecord {
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

export function toIdentity(r: Row): IdentityRecord {
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

export function toThrottle(r: Row): ThrottleState {
  return { failures: num(r['failures']), lastFailureAt: num(r['last_failure_at']) };
}

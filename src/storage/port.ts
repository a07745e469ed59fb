/**
 * The storage port: everything Gatehouse keeps, as a small set of operations that SQLite,
 * PostgreSQL and DynamoDB can each do atomically. Every adapter runs test/storage/conformance.ts.
 *
 * Rules every adapter keeps:
 * - one-time things (codes, refresh tokens) are consumed by a single conditional write, never a
 *   read followed by a delete, so two concurrent consumers cannot both succeed;
 * - emails are unique (the core passes them already normalised);
 * - times are epoch milliseconds; rows past `expiresAt` behave as absent even before cleanup.
 */

export interface UserRecord {
  id: string;
  /** Normalised (trimmed, NFKC, lower-cased). */
  email: string;
  emailVerified: boolean;
  name: string | null;
  /** argon2id PHC string; null for accounts without a password (passkey or federated only). */
  passwordHash: string | null;
  roles: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type UserPatch = Partial<
  Pick<UserRecord, 'emailVerified' | 'name' | 'passwordHash' | 'roles' | 'disabled'>
>;

/** A one-time code (email confirmation, password reset). One live code per key. */
export interface CodeRecord {
  /** `${purpose}:${subject}`, e.g. `signup:ada@example.com`. */
  key: string;
  /** Keyed hash of the code; the code itself is never stored. */
  hash: string;
  expiresAt: number;
  attempts: number;
}

export type CodeConsumeResult =
  | 'consumed'
  /** Wrong code; the attempt was counted. */
  | 'mismatch'
  /** Too many wrong attempts; the code is dead. */
  | 'exhausted'
  /** No live code for this key (never issued, used, expired or replaced). */
  | 'missing';

/** A sign-in session: the family every rotated refresh token belongs to (`sid`). */
export interface SessionRecord {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  /** Epoch ms of the authentication that started the session (`auth_time`). */
  authTime: number;
  amr: string[];
  createdAt: number;
  /** Absolute end of the session, whatever the refresh activity. */
  expiresAt: number;
  revokedAt: number | null;
}

export interface RefreshTokenRecord {
  /** SHA-256 of the token, base64url. */
  hash: string;
  sessionId: string;
  userId: string;
  clientId: string;
  scope: string;
  createdAt: number;
  /** min(idle lifetime from issue, session's absolute end). */
  expiresAt: number;
  usedAt: number | null;
}

export type RefreshConsumeResult =
  | { status: 'consumed'; token: RefreshTokenRecord }
  /** Presented again after it was spent: the caller revokes the family. */
  | { status: 'reused'; token: RefreshTokenRecord }
  | { status: 'missing' };

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** Public JWK as JSON text. */
  publicJwk: string;
  /** Private JWK sealed with the master key (AES-256-GCM), base64url. */
  sealedPrivateJwk: string;
  createdAt: number;
  /** From when the key may sign; published in the JWKS from creation. */
  activatesAt: number;
  /** When the key stopped signing (null while current or next). */
  retiredAt: number | null;
  /** When the key leaves the JWKS: retiredAt + the longest token lifetime. */
  expiresAt: number | null;
}

export interface ThrottleState {
  failures: number;
  /** Epoch ms of the most recent failure. */
  lastFailureAt: number;
}

/**
 * A short-lived record consumed at most once, by kind: OAuth authorization codes, pending
 * authorization requests, WebAuthn challenges, federation states, revoked access-token ids.
 * `id` is already a hash or random handle chosen by the core; `payload` is JSON text.
 */
export interface OneTimeRecord {
  kind: string;
  id: string;
  payload: string;
  expiresAt: number;
  usedAt: number | null;
  /** Written by the consuming call (e.g. the session an authorization code produced). */
  note: string | null;
}

export type OneTimeConsumeResult =
  | { status: 'consumed'; record: OneTimeRecord }
  /** Already consumed: `record.note` says what the first use produced. */
  | { status: 'reused'; record: OneTimeRecord }
  | { status: 'missing' };

/** A hosted-pages sign-in: the `__Host-gatehouse_session` cookie holds the id; the store only its hash. */
export interface BrowserSessionRecord {
  /** SHA-256 of the cookie value, base64url. */
  hash: string;
  userId: string;
  /** Epoch ms of the authentication (`auth_time`). */
  authTime: number;
  amr: string[];
  createdAt: number;
  /** Slides forward on use (idle timeout). */
  idleExpiresAt: number;
  /** Absolute end. */
  expiresAt: number;
  revokedAt: number | null;
}

/**
 * A WebAuthn credential (passkey). The core verifies ceremonies; the store keeps what later
 * verifications need and enforces the two rules that must hold under concurrency: a credential id
 * belongs to one user only, and the signature counter only moves forward.
 */
export interface PasskeyRecord {
  /** The credential id, base64url; unique across all users. */
  id: string;
  userId: string;
  /** The COSE_Key public key, base64url. */
  publicKey: string;
  /** The signature counter last accepted; 0 for authenticators that keep none. */
  counter: number;
  /** Transport hints reported at registration (`internal`, `hybrid`, `usb`, …). */
  transports: string[];
  /** From the BE flag, fixed for the credential's life: `multiDevice` may sync. */
  deviceType: 'singleDevice' | 'multiDevice';
  /** The BS flag as last seen. */
  backedUp: boolean;
  /** Authenticator model GUID (all zeros when the authenticator withholds it). */
  aaguid: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What a successful passkey sign-in writes back. */
export interface PasskeyUse {
  /** The counter the assertion was checked against: the write happens only if it is still stored. */
  previousCounter: number;
  counter: number;
  backedUp: boolean;
  lastUsedAt: number;
}

export type PasskeyDeleteResult =
  | 'deleted'
  /** No passkey with this id belongs to this user. */
  | 'not_found'
  /** Refused: `requireAnother` was set and this is the user's only passkey. */
  | 'last_passkey';

/**
 * An upstream identity (Google, Apple, any OpenID provider) linked to a user. (issuer, subject) is
 * unique: one upstream account signs in to one Gatehouse account.
 */
export interface IdentityRecord {
  /** Random id, used in account-page URLs (never the upstream `sub`). */
  id: string;
  userId: string;
  /** The provider's configured issuer (canonical form, whatever spelling the token used). */
  issuer: string;
  /** The upstream `sub`. */
  subject: string;
  /** The config key of the provider it was linked through (`google`, `apple`, …), for labels. */
  provider: string;
  /** The email the provider reported when it was linked, for display; null when it shared none. */
  email: string | null;
  createdAt: number;
}

export type IdentityUnlinkResult =
  | 'unlinked'
  /** No identity with this id belongs to this user. */
  | 'not_found'
  /** Refused: `requireAnother` was set and this is the user's only linked identity. */
  | 'last_identity';

export interface UserStore {
  createUser(user: UserRecord): Promise<'created' | 'email_taken'>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null>;
}

export interface CodeStore {
  /** Insert or replace the live code for `key` (a newer code voids the older). */
  putCode(code: CodeRecord): Promise<void>;
  /**
   * Atomically consume the code when `hash` matches, it is live and fewer than `maxAttempts`
   * wrong tries were made; otherwise count a wrong try.
   */
  consumeCode(key: string, hash: string, now: number, maxAttempts: number): Promise<CodeConsumeResult>;
  deleteCode(key: string): Promise<void>;
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  revokeSession(id: string, now: number): Promise<void>;
  /** Revoke every live session of the user, except `exceptSessionId` when given. */
  revokeUserSessions(userId: string, now: number, exceptSessionId?: string): Promise<void>;
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /** The record whatever its state (for revocation and introspection, which must not spend it). */
  getRefreshToken(hash: string): Promise<RefreshTokenRecord | null>;
  /** Mark the token spent with one conditional write; at most one concurrent caller gets `consumed`. */
  consumeRefreshToken(hash: string, now: number): Promise<RefreshConsumeResult>;
}

export interface KeyStore {
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  putSigningKey(key: SigningKeyRecord): Promise<void>;
  /**
   * Retire `kid` only if it is not retired yet (a conditional write), so concurrent rotations
   * from several processes retire it once. Returns whether this caller retired it.
   */
  retireSigningKey(kid: string, retiredAt: number, expiresAt: number): Promise<boolean>;
  deleteSigningKey(kid: string): Promise<void>;
}

export interface ThrottleStore {
  /** Count a failure in the window [now - windowMs, now]; older failures are forgotten. */
  recordFailure(key: string, now: number, windowMs: number): Promise<ThrottleState>;
  getThrottle(key: string, now: number, windowMs: number): Promise<ThrottleState | null>;
  clearThrottle(key: string): Promise<void>;
}

export interface OneTimeStore {
  putOneTime(record: OneTimeRecord): Promise<void>;
  /** The live (unexpired) record, used or not. */
  getOneTime(kind: string, id: string, now: number): Promise<OneTimeRecord | null>;
  /** Marks the live record used and writes `note`, in one conditional write; at most one caller gets `consumed`. */
  consumeOneTime(kind: string, id: string, now: number, note: string | null): Promise<OneTimeConsumeResult>;
  deleteOneTime(kind: string, id: string): Promise<void>;
}

export interface BrowserSessionStore {
  createBrowserSession(session: BrowserSessionRecord): Promise<void>;
  /** The record whatever its state; the core checks revocation and both expiries. */
  getBrowserSession(hash: string): Promise<BrowserSessionRecord | null>;
  touchBrowserSession(hash: string, idleExpiresAt: number): Promise<void>;
  revokeBrowserSession(hash: string, now: number): Promise<void>;
  revokeUserBrowserSessions(userId: string, now: number): Promise<void>;
}

export interface ConsentStore {
  /** Scopes the user has granted the client so far (empty when none). */
  getConsent(userId: string, clientId: string): Promise<string[]>;
  /** Replaces the remembered grant. */
  putConsent(userId: string, clientId: string, scopes: string[], now: number): Promise<void>;
}

export interface PasskeyStore {
  /** `duplicate` when the credential id is registered already (to anyone); nothing is written then. */
  createPasskey(passkey: PasskeyRecord): Promise<'created' | 'duplicate'>;
  getPasskey(id: string): Promise<PasskeyRecord | null>;
  /** The user's passkeys, oldest first. */
  listPasskeysByUser(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records a sign-in with one conditional write: only while the stored counter still equals
   * `previousCounter`, and only forward (`counter` greater, or both 0 for counter-less
   * authenticators). So of two concurrent sign-ins checked against the same counter, at most one
   * is recorded. Returns whether this call wrote.
   */
  updatePasskeyAfterUse(id: string, use: PasskeyUse): Promise<boolean>;
  /** Renames the user's passkey; null when no passkey with this id belongs to the user. */
  renamePasskey(id: string, userId: string, name: string): Promise<PasskeyRecord | null>;
  /**
   * Deletes the user's passkey. With `requireAnother`, the delete happens only if the user keeps
   * another passkey, checked in the same atomic step (two concurrent deletes cannot remove both).
   */
  deletePasskey(
    id: string,
    userId: string,
    options: { requireAnother: boolean },
  ): Promise<PasskeyDeleteResult>;
}

export interface IdentityStore {
  /** `taken` when (issuer, subject) is linked already (to anyone); nothing is written then. */
  linkIdentity(identity: IdentityRecord): Promise<'linked' | 'taken'>;
  getIdentityByIssuerSubject(issuer: string, subject: string): Promise<IdentityRecord | null>;
  /** The user's identities, oldest first. */
  listIdentitiesByUser(userId: string): Promise<IdentityRecord[]>;
  /**
   * Unlinks the user's identity. With `requireAnother`, only if the user keeps another linked
   * identity, checked in the same atomic step (two concurrent unlinks cannot remove both).
   */
  unlinkIdentity(
    id: string,
    userId: string,
    options: { requireAnother: boolean },
  ): Promise<IdentityUnlinkResult>;
}

export interface Store
  extends UserStore,
    CodeStore,
    SessionStore,
    KeyStore,
    ThrottleStore,
    OneTimeStore,
    BrowserSessionStore,
    ConsentStore,
    PasskeyStore,
    IdentityStore {
  /** Remove rows past their expiry; safe to call at any time. */
  deleteExpired(now: number): Promise<void>;
  close(): Promise<void>;
}

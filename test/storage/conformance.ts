import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  BrowserSessionRecord,
  IdentityRecord,
  OneTimeRecord,
  PasskeyRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  Store,
  UserRecord,
} from '../../src/storage/port.ts';

/**
 * The behaviour every Store adapter must show. Each group opens its own store; ids are random so
 * the suite also runs against a shared database. Times are relative to the real clock so stores
 * with background expiry (DynamoDB TTL) do not reap rows mid-test.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    email: `${randomUUID()}@example.com`,
    emailVerified: false,
    name: 'Ada Lovelace',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: ['user'],
    disabled: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: randomUUID(),
    userId,
    clientId: 'web',
    scope: 'openid email',
    authTime: now,
    amr: ['pwd', 'otp'],
    createdAt: now,
    expiresAt: now + 24 * HOUR,
    revokedAt: null,
    ...overrides,
  };
}

export function refreshToken(
  s: SessionRecord,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  const now = Date.now();
  return {
    hash: randomUUID(),
    sessionId: s.id,
    userId: s.userId,
    clientId: s.clientId,
    scope: s.scope,
    createdAt: now,
    expiresAt: now + HOUR,
    usedAt: null,
    ...overrides,
  };
}

export function signingKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const now = Date.now();
  const kid = randomUUID();
  return {
    kid,
    alg: 'ES256',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', kid, x: 'x', y: 'y' }),
    sealedPrivateJwk: 'c2VhbGVk',
    createdAt: now,
    activatesAt: now,
    retiredAt: null,
    expiresAt: null,
    ...overrides,
  };
}

export function oneTime(overrides: Partial<OneTimeRecord> = {}): OneTimeRecord {
  return {
    kind: 'authorization_code',
    id: randomUUID(),
    payload: JSON.stringify({ clientId: 'web', scope: 'openid email', nonce: randomUUID() }),
    expiresAt: Date.now() + 10 * MINUTE,
    usedAt: null,
    note: null,
    ...overrides,
  };
}

export function browserSession(
  userId: string,
  overrides: Partial<BrowserSessionRecord> = {},
): BrowserSessionRecord {
  const now = Date.now();
  return {
    hash: randomUUID(),
    userId,
    authTime: now,
    amr: ['pwd'],
    createdAt: now,
    idleExpiresAt: now + HOUR,
    expiresAt: now + 24 * HOUR,
    revokedAt: null,
    ...overrides,
  };
}

export function passkey(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: Buffer.from(randomUUID()).toString('base64url'),
    userId,
    publicKey: 'pQECAyYgASFYIA',
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    aaguid: '00000000-0000-0000-0000-000000000000',
    name: 'Passkey',
    createdAt: Date.now(),
    lastUsedAt: null,
    ...overrides,
  };
}

export function identity(userId: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id: randomUUID(),
    userId,
    issuer: 'https://accounts.google.com',
    subject: randomUUID(),
    provider: 'google',
    email: 'ada@gmail.com',
    createdAt: Date.now(),
    ...overrides,
  };
}

export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    /** Registers a group of cases sharing one freshly opened store. */
    function group(title: string, body: (store: () => Store) => void): void {
      describe(title, () => {
        let store: Store | undefined;
        before(async () => {
          store = await open();
        });
        after(async () => {
          await store?.close();
        });
        body(() => store!);
      });
    }

    /** A user with a live session, the owners every refresh token needs. */
    async function userWithSession(store: Store, overrides: Partial<SessionRecord> = {}) {
      const u = user();
      await store.createUser(u);
      const s = session(u.id, overrides);
      await store.createSession(s);
      return { u, s };
    }

    group('users', (store) => {
      it('creates a user and reads it back by id and by email', async () => {
        const u = user({ roles: ['admin', 'user'], name: null, passwordHash: null, emailVerified: true });
        assert.equal(await store().createUser(u), 'created');
        assert.deepEqual(await store().getUserById(u.id), u);
        assert.deepEqual(await store().getUserByEmail(u.email), u);
      });

      it('answers null for unknown users', async () => {
        assert.equal(await store().getUserById(randomUUID()), null);
        assert.equal(await store().getUserByEmail(`${randomUUID()}@example.com`), null);
      });

      it('refuses a second user with the same email, keeping the first', async () => {
        const first = user();
        await store().createUser(first);
        const second = user({ email: first.email });
        assert.equal(await store().createUser(second), 'email_taken');
        assert.equal(await store().getUserById(second.id), null);
        assert.deepEqual(await store().getUserByEmail(first.email), first);
      });

      it('applies a partial patch, including setting nullable fields to null', async () => {
        const u = user();
        await store().createUser(u);
        const later = u.updatedAt + 1000;
        const patched = await store().updateUser(
          u.id,
          { emailVerified: true, passwordHash: null, roles: ['admin'], disabled: true },
          later,
        );
        const expected = {
          ...u,
          emailVerified: true,
          passwordHash: null,
          roles: ['admin'],
          disabled: true,
          updatedAt: later,
        };
        assert.deepEqual(patched, expected);
        assert.deepEqual(await store().getUserById(u.id), expected);

        const renamed = await store().updateUser(u.id, { name: null }, later + 1);
        assert.deepEqual(renamed, { ...expected, name: null, updatedAt: later + 1 });
      });

      it('answers null when patching an unknown user', async () => {
        assert.equal(await store().updateUser(randomUUID(), { disabled: true }, Date.now()), null);
      });
    });

    group('one-time codes', (store) => {
      const put = async (overrides: { hash?: string; expiresAt?: number } = {}) => {
        const key = `signup:${randomUUID()}@example.com`;
        await store().putCode({
          key,
          hash: 'right',
          expiresAt: Date.now() + 10 * MINUTE,
          attempts: 0,
          ...overrides,
        });
        return key;
      };

      it('consumes the right code once', async () => {
        const key = await put();
        const now = Date.now();
        assert.equal(await store().consumeCode(key, 'right', now, 5), 'consumed');
        assert.equal(await store().consumeCode(key, 'right', now, 5), 'missing');
      });

      it('counts wrong codes, then still accepts the right one below the limit', async () => {
        const key = await put();
        const now = Date.now();
        assert.equal(await store().consumeCode(key, 'wrong', now, 3), 'mismatch');
        assert.equal(await store().consumeCode(key, 'wrong', now, 3), 'mismatch');
        assert.equal(await store().consumeCode(key, 'right', now, 3), 'consumed');
      });

      it('is exhausted after maxAttempts wrong tries, even for the right code', async () => {
        const key = await put();
        const now = Date.now();
        for (let i = 0; i < 3; i++) assert.equal(await store().consumeCode(key, 'wrong', now, 3), 'mismatch');
        assert.equal(await store().consumeCode(key, 'right', now, 3), 'exhausted');
        assert.equal(await store().consumeCode(key, 'wrong', now, 3), 'exhausted');
      });

      it('treats an expired code as missing', async () => {
        const now = Date.now();
        const key = await put({ expiresAt: now + MINUTE });
        assert.equal(await store().consumeCode(key, 'right', now + MINUTE, 5), 'missing');
        assert.equal(await store().consumeCode(key, 'wrong', now + 2 * MINUTE, 5), 'missing');
      });

      it('answers missing for a key never issued', async () => {
        assert.equal(await store().consumeCode(`reset:${randomUUID()}`, 'right', Date.now(), 5), 'missing');
      });

      it('voids the older code when a newer one is put, resetting attempts', async () => {
        const key = await put({ hash: 'old' });
        const now = Date.now();
        assert.equal(await store().consumeCode(key, 'wrong', now, 2), 'mismatch');
        assert.equal(await store().consumeCode(key, 'wrong', now, 2), 'mismatch');
        await store().putCode({ key, hash: 'new', expiresAt: now + 10 * MINUTE, attempts: 0 });
        assert.equal(await store().consumeCode(key, 'old', now, 2), 'mismatch');
        assert.equal(await store().consumeCode(key, 'new', now, 2), 'consumed');
      });

      it('deletes a code', async () => {
        const key = await put();
        await store().deleteCode(key);
        assert.equal(await store().consumeCode(key, 'right', Date.now(), 5), 'missing');
      });

      it('lets exactly one of 20 concurrent consumers of the right code succeed', async () => {
        const key = await put();
        const now = Date.now();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store().consumeCode(key, 'right', now, 5)),
        );
        assert.equal(results.filter((r) => r === 'consumed').length, 1);
        assert.deepEqual(
          results.filter((r) => r !== 'consumed'),
          Array(19).fill('missing'),
        );
      });
    });

    group('sessions and refresh tokens', (store) => {
      it('creates and reads a session', async () => {
        const { s } = await userWithSession(store());
        assert.deepEqual(await store().getSession(s.id), s);
        assert.equal(await store().getSession(randomUUID()), null);
      });

      it('revokes a session, keeping it readable with the first revocation time', async () => {
        const { s } = await userWithSession(store());
        const now = Date.now();
        await store().revokeSession(s.id, now);
        await store().revokeSession(s.id, now + 5000);
        assert.deepEqual(await store().getSession(s.id), { ...s, revokedAt: now });
      });

      it("revokes all of a user's live sessions except the given one", async () => {
        const { u, s: keep } = await userWithSession(store());
        const a = session(u.id);
        const b = session(u.id);
        await store().createSession(a);
        await store().createSession(b);
        const { s: stranger } = await userWithSession(store());
        const now = Date.now();
        await store().revokeUserSessions(u.id, now, keep.id);
        assert.equal((await store().getSession(keep.id))?.revokedAt, null);
        assert.equal((await store().getSession(a.id))?.revokedAt, now);
        assert.equal((await store().getSession(b.id))?.revokedAt, now);
        assert.equal((await store().getSession(stranger.id))?.revokedAt, null);

        await store().revokeUserSessions(u.id, now + 1);
        assert.equal((await store().getSession(keep.id))?.revokedAt, now + 1);
        assert.equal((await store().getSession(a.id))?.revokedAt, now);
      });

      it('consumes a refresh token once, then reports reuse with the token', async () => {
        const { s } = await userWithSession(store());
        const t = refreshToken(s);
        await store().insertRefreshToken(t);
        const now = Date.now();
        assert.deepEqual(await store().consumeRefreshToken(t.hash, now), {
          status: 'consumed',
          token: { ...t, usedAt: now },
        });
        assert.deepEqual(await store().consumeRefreshToken(t.hash, now + 1), {
          status: 'reused',
          token: { ...t, usedAt: now },
        });
      });

      it('reads a refresh token without spending it', async () => {
        const { s } = await userWithSession(store());
        const t = refreshToken(s);
        await store().insertRefreshToken(t);
        assert.deepEqual(await store().getRefreshToken(t.hash), t);
        assert.equal((await store().consumeRefreshToken(t.hash, Date.now())).status, 'consumed');
        assert.equal((await store().getRefreshToken(t.hash))?.usedAt !== null, true);
        assert.equal(await store().getRefreshToken(randomUUID()), null);
      });

      it('answers missing for an unknown refresh token', async () => {
        assert.deepEqual(await store().consumeRefreshToken(randomUUID(), Date.now()), { status: 'missing' });
      });

      it('treats an expired refresh token as missing, spent or not', async () => {
        const { s } = await userWithSession(store());
        const now = Date.now();
        const fresh = refreshToken(s, { expiresAt: now + MINUTE });
        const spent = refreshToken(s, { expiresAt: now + MINUTE });
        await store().insertRefreshToken(fresh);
        await store().insertRefreshToken(spent);
        assert.equal((await store().consumeRefreshToken(spent.hash, now)).status, 'consumed');
        assert.deepEqual(await store().consumeRefreshToken(fresh.hash, now + MINUTE), { status: 'missing' });
        assert.deepEqual(await store().consumeRefreshToken(spent.hash, now + MINUTE), { status: 'missing' });
      });

      it('lets exactly one of 20 concurrent consumers of a refresh token succeed', async () => {
        const { s } = await userWithSession(store());
        const t = refreshToken(s);
        await store().insertRefreshToken(t);
        const now = Date.now();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store().consumeRefreshToken(t.hash, now)),
        );
        assert.equal(results.filter((r) => r.status === 'consumed').length, 1);
        assert.equal(results.filter((r) => r.status === 'reused').length, 19);
      });
    });

    group('signing keys', (store) => {
      const mine = async (kids: string[]) =>
        (await store().listSigningKeys()).filter((k) => kids.includes(k.kid));

      it('puts and lists keys', async () => {
        const a = signingKey();
        const b = signingKey({ createdAt: a.createdAt + 1, activatesAt: a.createdAt + HOUR });
        await store().putSigningKey(a);
        await store().putSigningKey(b);
        const listed = await mine([a.kid, b.kid]);
        assert.deepEqual(
          listed.sort((x, y) => x.createdAt - y.createdAt),
          [a, b],
        );
      });

      it('retires a key exactly once', async () => {
        const k = signingKey();
        await store().putSigningKey(k);
        const now = Date.now();
        assert.equal(await store().retireSigningKey(k.kid, now, now + HOUR), true);
        assert.equal(await store().retireSigningKey(k.kid, now + 1, now + 2 * HOUR), false);
        assert.deepEqual(await mine([k.kid]), [{ ...k, retiredAt: now, expiresAt: now + HOUR }]);
      });

      it('does not retire an unknown key', async () => {
        assert.equal(await store().retireSigningKey(randomUUID(), Date.now(), Date.now() + HOUR), false);
      });

      it('deletes a key', async () => {
        const k = signingKey();
        await store().putSigningKey(k);
        await store().deleteSigningKey(k.kid);
        assert.deepEqual(await mine([k.kid]), []);
      });
    });

    group('throttle', (store) => {
      const WINDOW = 15 * MINUTE;

      it('counts failures inside the window', async () => {
        const key = `login:${randomUUID()}`;
        const t0 = Date.now();
        assert.deepEqual(await store().recordFailure(key, t0, WINDOW), { failures: 1, lastFailureAt: t0 });
        assert.deepEqual(await store().recordFailure(key, t0 + MINUTE, WINDOW), {
          failures: 2,
          lastFailureAt: t0 + MINUTE,
        });
        assert.deepEqual(await store().getThrottle(key, t0 + 2 * MINUTE, WINDOW), {
          failures: 2,
          lastFailureAt: t0 + MINUTE,
        });
      });

      it('forgets failures older than the window', async () => {
        const key = `login:${randomUUID()}`;
        const t0 = Date.now();
        await store().recordFailure(key, t0, WINDOW);
        await store().recordFailure(key, t0 + 1, WINDOW);
        assert.equal(await store().getThrottle(key, t0 + 1 + WINDOW + 1, WINDOW), null);
        const later = t0 + 1 + WINDOW + 1;
        assert.deepEqual(await store().recordFailure(key, later, WINDOW), {
          failures: 1,
          lastFailureAt: later,
        });
      });

      it('clears a throttle', async () => {
        const key = `login:${randomUUID()}`;
        const t0 = Date.now();
        await store().recordFailure(key, t0, WINDOW);
        await store().clearThrottle(key);
        assert.equal(await store().getThrottle(key, t0, WINDOW), null);
        assert.deepEqual(await store().recordFailure(key, t0, WINDOW), { failures: 1, lastFailureAt: t0 });
      });

      it('answers null for a key with no failures', async () => {
        assert.equal(await store().getThrottle(`login:${randomUUID()}`, Date.now(), WINDOW), null);
      });
    });

    group('one-time records', (store) => {
      it('puts and reads a record back; unknown ids and other kinds are null', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        assert.deepEqual(await store().getOneTime(r.kind, r.id, now), r);
        assert.equal(await store().getOneTime(r.kind, randomUUID(), now), null);
        assert.equal(await store().getOneTime('webauthn_challenge', r.id, now), null);
      });

      it('consumes once, writing the note and keeping the payload intact', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        const consumed = { ...r, usedAt: now, note: 'session-1' };
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now, 'session-1'), {
          status: 'consumed',
          record: consumed,
        });
        // A used record is still live for getOneTime.
        assert.deepEqual(await store().getOneTime(r.kind, r.id, now + 1), consumed);
      });

      it("answers reused for a second consume, with the first consumer's note", async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        assert.equal((await store().consumeOneTime(r.kind, r.id, now, 'first')).status, 'consumed');
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now + 1, 'second'), {
          status: 'reused',
          record: { ...r, usedAt: now, note: 'first' },
        });
        assert.deepEqual(await store().getOneTime(r.kind, r.id, now + 2), {
          ...r,
          usedAt: now,
          note: 'first',
        });
      });

      it('consumes with a null note', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now, null), {
          status: 'consumed',
          record: { ...r, usedAt: now, note: null },
        });
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now, 'later'), {
          status: 'reused',
          record: { ...r, usedAt: now, note: null },
        });
      });

      it('treats an expired record as missing, used or not', async () => {
        const now = Date.now();
        const fresh = oneTime({ expiresAt: now + MINUTE });
        const used = oneTime({ expiresAt: now + MINUTE });
        await store().putOneTime(fresh);
        await store().putOneTime(used);
        assert.equal((await store().consumeOneTime(used.kind, used.id, now, 'n')).status, 'consumed');
        const later = now + MINUTE;
        assert.deepEqual(await store().consumeOneTime(fresh.kind, fresh.id, later, 'n'), {
          status: 'missing',
        });
        assert.deepEqual(await store().consumeOneTime(used.kind, used.id, later, 'n'), { status: 'missing' });
        assert.equal(await store().getOneTime(fresh.kind, fresh.id, later), null);
        assert.equal(await store().getOneTime(used.kind, used.id, later), null);
      });

      it('answers missing for a record never put', async () => {
        assert.deepEqual(await store().consumeOneTime('authorization_code', randomUUID(), Date.now(), null), {
          status: 'missing',
        });
      });

      it('keeps kinds apart: the same id under another kind is a different record', async () => {
        const a = oneTime({ kind: 'federation_state' });
        const b = oneTime({ kind: 'webauthn_challenge', id: a.id, payload: '{"b":true}' });
        await store().putOneTime(a);
        await store().putOneTime(b);
        const now = Date.now();
        assert.equal((await store().consumeOneTime(a.kind, a.id, now, null)).status, 'consumed');
        assert.deepEqual(await store().getOneTime(b.kind, b.id, now), b);
        assert.equal((await store().consumeOneTime(b.kind, b.id, now, null)).status, 'consumed');
      });

      it('replaces an existing record with the same kind and id', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        assert.equal((await store().consumeOneTime(r.kind, r.id, now, 'old')).status, 'consumed');
        const replacement = { ...r, payload: '{"v":2}', expiresAt: now + HOUR };
        await store().putOneTime(replacement);
        assert.deepEqual(await store().getOneTime(r.kind, r.id, now), replacement);
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now + 1, 'new'), {
          status: 'consumed',
          record: { ...replacement, usedAt: now + 1, note: 'new' },
        });
      });

      it('deletes a record', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        await store().deleteOneTime(r.kind, r.id);
        const now = Date.now();
        assert.equal(await store().getOneTime(r.kind, r.id, now), null);
        assert.deepEqual(await store().consumeOneTime(r.kind, r.id, now, null), { status: 'missing' });
        await store().deleteOneTime(r.kind, r.id);
      });

      it('lets exactly one of 20 concurrent consumers succeed; the rest see its note', async () => {
        const r = oneTime();
        await store().putOneTime(r);
        const now = Date.now();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store().consumeOneTime(r.kind, r.id, now, `consumer-${i}`)),
        );
        const winners = results.filter((x) => x.status === 'consumed');
        assert.equal(winners.length, 1);
        const won = winners[0]!.record;
        assert.deepEqual(won, { ...r, usedAt: now, note: won.note });
        assert.match(won.note ?? '', /^consumer-\d+$/);
        const losers = results.filter((x) => x.status !== 'consumed');
        assert.equal(losers.length, 19);
        for (const loser of losers) assert.deepEqual(loser, { status: 'reused', record: won });
      });
    });

    group('browser sessions', (store) => {
      async function withUser() {
        const u = user();
        await store().createUser(u);
        return u;
      }

      it('creates and reads a browser session; unknown hashes are null', async () => {
        const u = await withUser();
        const b = browserSession(u.id, { amr: ['pwd', 'otp'] });
        await store().createBrowserSession(b);
        assert.deepEqual(await store().getBrowserSession(b.hash), b);
        assert.equal(await store().getBrowserSession(randomUUID()), null);
      });

      it('returns the record whatever its state, expired or revoked', async () => {
        const u = await withUser();
        const now = Date.now();
        const b = browserSession(u.id, { idleExpiresAt: now + 1, expiresAt: now + 2, revokedAt: now });
        await store().createBrowserSession(b);
        assert.deepEqual(await store().getBrowserSession(b.hash), b);
      });

      it('touches a browser session, moving only its idle expiry', async () => {
        const u = await withUser();
        const b = browserSession(u.id);
        await store().createBrowserSession(b);
        await store().touchBrowserSession(b.hash, b.idleExpiresAt + HOUR);
        assert.deepEqual(await store().getBrowserSession(b.hash), {
          ...b,
          idleExpiresAt: b.idleExpiresAt + HOUR,
        });
        await store().touchBrowserSession(randomUUID(), b.idleExpiresAt);
      });

      it('revokes a browser session, keeping the first revocation time', async () => {
        const u = await withUser();
        const b = browserSession(u.id);
        await store().createBrowserSession(b);
        const now = Date.now();
        await store().revokeBrowserSession(b.hash, now);
        await store().revokeBrowserSession(b.hash, now + 5000);
        assert.deepEqual(await store().getBrowserSession(b.hash), { ...b, revokedAt: now });
      });

      it("revokes all of a user's browser sessions and only that user's", async () => {
        const u = await withUser();
        const other = await withUser();
        const a = browserSession(u.id);
        const b = browserSession(u.id);
        const stranger = browserSession(other.id);
        for (const x of [a, b, stranger]) await store().createBrowserSession(x);
        const now = Date.now();
        await store().revokeBrowserSession(a.hash, now - 1000);
        await store().revokeUserBrowserSessions(u.id, now);
        assert.equal((await store().getBrowserSession(a.hash))?.revokedAt, now - 1000);
        assert.equal((await store().getBrowserSession(b.hash))?.revokedAt, now);
        assert.deepEqual(await store().getBrowserSession(stranger.hash), stranger);
      });
    });

    group('consents', (store) => {
      it('is empty until put, then replaced by each put', async () => {
        const u = user();
        await store().createUser(u);
        const now = Date.now();
        assert.deepEqual(await store().getConsent(u.id, 'web'), []);
        await store().putConsent(u.id, 'web', ['openid', 'email'], now);
        assert.deepEqual(await store().getConsent(u.id, 'web'), ['openid', 'email']);
        await store().putConsent(u.id, 'web', ['openid', 'profile'], now + 1);
        assert.deepEqual(await store().getConsent(u.id, 'web'), ['openid', 'profile']);
        await store().putConsent(u.id, 'web', [], now + 2);
        assert.deepEqual(await store().getConsent(u.id, 'web'), []);
      });

      it('keeps grants per user and per client', async () => {
        const u = user();
        const v = user();
        await store().createUser(u);
        await store().createUser(v);
        const now = Date.now();
        await store().putConsent(u.id, 'web', ['openid'], now);
        await store().putConsent(u.id, 'cli', ['openid', 'offline_access'], now);
        assert.deepEqual(await store().getConsent(u.id, 'web'), ['openid']);
        assert.deepEqual(await store().getConsent(u.id, 'cli'), ['openid', 'offline_access']);
        assert.deepEqual(await store().getConsent(v.id, 'web'), []);
        assert.deepEqual(await store().getConsent(u.id, 'other'), []);
      });
    });

    group('passkeys', (store) => {
      async function owner(): Promise<UserRecord> {
        const u = user({ passwordHash: null });
        await store().createUser(u);
        return u;
      }

      it('creates a passkey and reads it back by id and by user, oldest first', async () => {
        const u = await owner();
        const older = passkey(u.id, { createdAt: Date.now() - 1000, transports: [], backedUp: false });
        const newer = passkey(u.id, { deviceType: 'singleDevice', backedUp: false, lastUsedAt: Date.now() });
        assert.equal(await store().createPasskey(newer), 'created');
        assert.equal(await store().createPasskey(older), 'created');
        assert.deepEqual(await store().getPasskey(older.id), older);
        assert.deepEqual(await store().listPasskeysByUser(u.id), [older, newer]);
        assert.equal(await store().getPasskey(Buffer.from(randomUUID()).toString('base64url')), null);
        assert.deepEqual(await store().listPasskeysByUser(randomUUID()), []);
      });

      it('refuses a credential id registered already, to the same or another user, keeping the first', async () => {
        const u = await owner();
        const v = await owner();
        const first = passkey(u.id);
        await store().createPasskey(first);
        assert.equal(await store().createPasskey({ ...first, name: 'again' }), 'duplicate');
        assert.equal(await store().createPasskey(passkey(v.id, { id: first.id })), 'duplicate');
        assert.deepEqual(await store().getPasskey(first.id), first);
        assert.deepEqual(await store().listPasskeysByUser(v.id), []);
      });

      it('keeps credential ids that differ only in case apart', async () => {
        const u = await owner();
        const lower = passkey(u.id, { id: 'abcdefgh' + randomUUID().slice(0, 8) });
        const upper = passkey(u.id, { id: lower.id.toUpperCase() });
        assert.equal(await store().createPasskey(lower), 'created');
        assert.equal(await store().createPasskey(upper), 'created');
      });

      it('records a use only forward from the counter the assertion was checked against', async () => {
        const u = await owner();
        const p = passkey(u.id, { counter: 5 });
        await store().createPasskey(p);
        const at = Date.now();
        const use = { previousCounter: 5, counter: 6, backedUp: false, lastUsedAt: at };
        assert.equal(await store().updatePasskeyAfterUse(p.id, use), true);
        assert.deepEqual(await store().getPasskey(p.id), {
          ...p,
          counter: 6,
          backedUp: false,
          lastUsedAt: at,
        });
        // Checked against a counter that is no longer stored (a concurrent use won): refused.
        assert.equal(await store().updatePasskeyAfterUse(p.id, { ...use, counter: 7 }), false);
        // Not forward: refused.
        assert.equal(
          await store().updatePasskeyAfterUse(p.id, { ...use, previousCounter: 6, counter: 6 }),
          false,
        );
        assert.equal(
          await store().updatePasskeyAfterUse(p.id, { ...use, previousCounter: 6, counter: 2 }),
          false,
        );
        assert.equal(
          await store().updatePasskeyAfterUse(p.id, { ...use, previousCounter: 6, counter: 0 }),
          false,
        );
        assert.equal((await store().getPasskey(p.id))?.counter, 6);
        assert.equal(
          await store().updatePasskeyAfterUse('unknown', { ...use, previousCounter: 6, counter: 9 }),
          false,
        );
      });

      it('records every use of an authenticator without a counter (0 and 0)', async () => {
        const u = await owner();
        const p = passkey(u.id);
        await store().createPasskey(p);
        const use = { previousCounter: 0, counter: 0, backedUp: true, lastUsedAt: Date.now() };
        assert.equal(await store().updatePasskeyAfterUse(p.id, use), true);
        assert.equal(
          await store().updatePasskeyAfterUse(p.id, { ...use, lastUsedAt: use.lastUsedAt + 1 }),
          true,
        );
        assert.equal((await store().getPasskey(p.id))?.lastUsedAt, use.lastUsedAt + 1);
      });

      it('lets exactly one of 20 concurrent uses checked against the same counter be recorded', async () => {
        const u = await owner();
        const p = passkey(u.id, { counter: 1 });
        await store().createPasskey(p);
        const now = Date.now();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store().updatePasskeyAfterUse(p.id, {
              previousCounter: 1,
              counter: 2 + i,
              backedUp: true,
              lastUsedAt: now,
            }),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1);
      });

      it("renames only the owner's passkey", async () => {
        const u = await owner();
        const v = await owner();
        const p = passkey(u.id);
        await store().createPasskey(p);
        assert.equal(await store().renamePasskey(p.id, v.id, 'stolen'), null);
        assert.deepEqual(await store().renamePasskey(p.id, u.id, 'Laptop'), { ...p, name: 'Laptop' });
        assert.deepEqual(await store().getPasskey(p.id), { ...p, name: 'Laptop' });
        assert.equal(await store().renamePasskey('unknown', u.id, 'x'), null);
      });

      it("deletes only the owner's passkey", async () => {
        const u = await owner();
        const v = await owner();
        const p = passkey(u.id);
        await store().createPasskey(p);
        assert.equal(await store().deletePasskey(p.id, v.id, { requireAnother: false }), 'not_found');
        assert.equal(await store().deletePasskey(p.id, u.id, { requireAnother: false }), 'deleted');
        assert.equal(await store().getPasskey(p.id), null);
        assert.equal(await store().deletePasskey(p.id, u.id, { requireAnother: false }), 'not_found');
      });

      it('with requireAnother, keeps the last passkey, also against concurrent deletes', async () => {
        const u = await owner();
        const a = passkey(u.id);
        const b = passkey(u.id);
        await store().createPasskey(a);
        await store().createPasskey(b);
        const results = await Promise.all(
          [a, b].map((p) => store().deletePasskey(p.id, u.id, { requireAnother: true })),
        );
        assert.deepEqual([...results].sort(), ['deleted', 'last_passkey']);
        assert.equal((await store().listPasskeysByUser(u.id)).length, 1);
        const [left] = await store().listPasskeysByUser(u.id);
        assert.equal(await store().deletePasskey(left!.id, u.id, { requireAnother: true }), 'last_passkey');
        assert.equal(await store().deletePasskey('unknown', u.id, { requireAnother: true }), 'not_found');
      });
    });

    group('identities', (store) => {
      async function owner(): Promise<UserRecord> {
        const u = user({ passwordHash: null });
        await store().createUser(u);
        return u;
      }

      it('links identities and reads them back by issuer and subject, and by user, oldest first', async () => {
        const u = await owner();
        const older = identity(u.id, { createdAt: Date.now() - 1000 });
        const newer = identity(u.id, { issuer: 'https://appleid.apple.com', provider: 'apple', email: null });
        assert.equal(await store().linkIdentity(newer), 'linked');
        assert.equal(await store().linkIdentity(older), 'linked');
        assert.deepEqual(await store().getIdentityByIssuerSubject(older.issuer, older.subject), older);
        assert.deepEqual(await store().listIdentitiesByUser(u.id), [older, newer]);
        assert.deepEqual(await store().listIdentitiesByUser(randomUUID()), []);
      });

      it('keys identities by issuer and subject together', async () => {
        const u = await owner();
        const google = identity(u.id);
        await store().linkIdentity(google);
        assert.equal(await store().getIdentityByIssuerSubject(google.issuer, randomUUID()), null);
        assert.equal(await store().getIdentityByIssuerSubject('https://other.example', google.subject), null);
        // The same subject at another issuer is another identity.
        const other = identity(u.id, { issuer: 'https://other.example', subject: google.subject });
        assert.equal(await store().linkIdentity(other), 'linked');
      });

      it('refuses an (issuer, subject) linked already, to the same or another user, keeping the first', async () => {
        const u = await owner();
        const v = await owner();
        const first = identity(u.id);
        await store().linkIdentity(first);
        assert.equal(await store().linkIdentity({ ...first, id: randomUUID() }), 'taken');
        assert.equal(
          await store().linkIdentity(identity(v.id, { issuer: first.issuer, subject: first.subject })),
          'taken',
        );
        assert.deepEqual(await store().getIdentityByIssuerSubject(first.issuer, first.subject), first);
        assert.deepEqual(await store().listIdentitiesByUser(v.id), []);
      });

      it('lets exactly one of 20 concurrent links of one identity succeed', async () => {
        const users = await Promise.all(Array.from({ length: 4 }, () => owner()));
        const subject = randomUUID();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store().linkIdentity(identity(users[i % 4]!.id, { subject }))),
        );
        assert.equal(results.filter((r) => r === 'linked').length, 1);
      });

      it("unlinks only the owner's identity", async () => {
        const u = await owner();
        const v = await owner();
        const i = identity(u.id);
        await store().linkIdentity(i);
        assert.equal(await store().unlinkIdentity(i.id, v.id, { requireAnother: false }), 'not_found');
        assert.equal(await store().unlinkIdentity(i.id, u.id, { requireAnother: false }), 'unlinked');
        assert.equal(await store().getIdentityByIssuerSubject(i.issuer, i.subject), null);
        assert.equal(await store().unlinkIdentity(i.id, u.id, { requireAnother: false }), 'not_found');
        // Unlinked, the identity may be linked again (to anyone).
        assert.equal(await store().linkIdentity({ ...i, id: randomUUID(), userId: v.id }), 'linked');
      });

      it('with requireAnother, keeps the last identity, also against concurrent unlinks', async () => {
        const u = await owner();
        const a = identity(u.id);
        const b = identity(u.id, { issuer: 'https://appleid.apple.com', provider: 'apple' });
        await store().linkIdentity(a);
        await store().linkIdentity(b);
        const results = await Promise.all(
          [a, b].map((i) => store().unlinkIdentity(i.id, u.id, { requireAnother: true })),
        );
        assert.deepEqual([...results].sort(), ['last_identity', 'unlinked']);
        const left = await store().listIdentitiesByUser(u.id);
        assert.equal(left.length, 1);
        assert.equal(
          await store().unlinkIdentity(left[0]!.id, u.id, { requireAnother: true }),
          'last_identity',
        );
        assert.equal(await store().unlinkIdentity('unknown', u.id, { requireAnother: true }), 'not_found');
      });
    });

    group('deleteExpired', (store) => {
      it('removes what is expired and keeps what is live', async () => {
        const s = store();
        const now = Date.now();
        const cut = now + HOUR;

        const deadCode = `signup:${randomUUID()}`;
        const liveCode = `signup:${randomUUID()}`;
        await s.putCode({ key: deadCode, hash: 'h', expiresAt: cut, attempts: 0 });
        await s.putCode({ key: liveCode, hash: 'h', expiresAt: cut + 1, attempts: 0 });

        const { s: deadSession } = await userWithSession(s, { expiresAt: cut });
        const { s: liveSession } = await userWithSession(s, { expiresAt: cut + HOUR });
        const deadToken = refreshToken(liveSession, { expiresAt: cut });
        const liveToken = refreshToken(liveSession, { expiresAt: cut + 1 });
        await s.insertRefreshToken(deadToken);
        await s.insertRefreshToken(liveToken);

        const deadThrottle = `login:${randomUUID()}`;
        const liveThrottle = `login:${randomUUID()}`;
        await s.recordFailure(deadThrottle, cut - 25 * HOUR, MINUTE);
        await s.recordFailure(liveThrottle, cut - HOUR, MINUTE);

        const deadKey = signingKey({ retiredAt: now, expiresAt: cut - 1 });
        const retiredLiveKey = signingKey({ retiredAt: now, expiresAt: cut + 1 });
        const currentKey = signingKey();
        for (const k of [deadKey, retiredLiveKey, currentKey]) await s.putSigningKey(k);

        const deadOneTime = oneTime({ expiresAt: cut });
        const liveOneTime = oneTime({ expiresAt: cut + 1 });
        const usedLiveOneTime = oneTime({ expiresAt: cut + 1 });
        for (const r of [deadOneTime, liveOneTime, usedLiveOneTime]) await s.putOneTime(r);
        await s.consumeOneTime(usedLiveOneTime.kind, usedLiveOneTime.id, now, 'n');

        const owner = user();
        await s.createUser(owner);
        const deadBrowser = browserSession(owner.id, { idleExpiresAt: cut, expiresAt: cut });
        const liveBrowser = browserSession(owner.id, { idleExpiresAt: cut + 1, expiresAt: cut + 1 });
        await s.createBrowserSession(deadBrowser);
        await s.createBrowserSession(liveBrowser);

        await s.deleteExpired(cut);

        // Read back at `now`, when everything was still live, so only deletion explains absence.
        assert.equal(await s.consumeCode(deadCode, 'h', now, 5), 'missing');
        assert.equal(await s.consumeCode(liveCode, 'h', now, 5), 'consumed');
        assert.equal(await s.getSession(deadSession.id), null);
        assert.deepEqual(await s.getSession(liveSession.id), liveSession);
        assert.deepEqual(await s.consumeRefreshToken(deadToken.hash, now), { status: 'missing' });
        assert.equal((await s.consumeRefreshToken(liveToken.hash, now)).status, 'consumed');
        assert.equal(await s.getThrottle(deadThrottle, cut, 100 * HOUR), null);
        assert.notEqual(await s.getThrottle(liveThrottle, cut, 100 * HOUR), null);
        const kids = (await s.listSigningKeys()).map((k) => k.kid);
        assert.ok(!kids.includes(deadKey.kid));
        assert.ok(kids.includes(retiredLiveKey.kid));
        assert.ok(kids.includes(currentKey.kid));
        assert.equal(await s.getOneTime(deadOneTime.kind, deadOneTime.id, now), null);
        assert.deepEqual(await s.getOneTime(liveOneTime.kind, liveOneTime.id, now), liveOneTime);
        assert.deepEqual(await s.getOneTime(usedLiveOneTime.kind, usedLiveOneTime.id, now), {
          ...usedLiveOneTime,
          usedAt: now,
          note: 'n',
        });
        assert.equal(await s.getBrowserSession(deadBrowser.hash), null);
        assert.deepEqual(await s.getBrowserSession(liveBrowser.hash), liveBrowser);
      });
    });
  });
}

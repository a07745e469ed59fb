import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { RETIRE_GRACE_MS, RING_REFRESH_MS } from '../../src/core/keys/key-ring.ts';
import { deriveRingState } from '../../src/core/keys/ring-state.ts';
import { signAccessToken } from '../../src/core/tokens/access-token.ts';
import type { KeyStore } from '../../src/storage/port.ts';
import { DAY_MS, fixture, jwksKids, MAX_TTL_S } from './ring-fixture.ts';

const ISSUER = 'https://id.example.com';
const tokenInput = (now: number) => ({
  issuer: ISSUER,
  sub: 'user-1',
  audience: 'api',
  clientId: 'app',
  scope: ['openid'],
  roles: [],
  ttlSeconds: MAX_TTL_S,
  now,
});

describe('SigningKeyRing lifecycle', () => {
  it('first start publishes current and next, and signs with current', async () => {
    const { ring, store, clock } = await fixture();
    await ring.ensureReady();
    const jwks = await ring.jwks();
    assert.equal(jwks.keys.length, 2);
    const state = deriveRingState(await store.listSigningKeys(), clock.now());
    assert.ok(state.current && state.next);
    const current = await ring.currentSigningKey();
    assert.equal(current.kid, state.current.kid);
    assert.equal(current.alg, 'RS256');
    const { token } = await signAccessToken(ring, tokenInput(clock.now()));
    assert.equal(decodeProtectedHeader(token).kid, current.kid);
    await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: new Date(clock.now()) });
    // A second start (or another process) adds nothing.
    await ring.ensureReady();
    assert.equal((await store.listSigningKeys()).length, 2);
  });

  it('rotate: the next key was published before it signs; the old one stays published', async () => {
    const { ring, clock } = await fixture();
    const before = await ring.currentSigningKey();
    const publishedBefore = await jwksKids(ring);
    clock.advance(1000);
    const result = await ring.rotate();
    assert.equal(result.retiredKid, before.kid);
    const after = await ring.currentSigningKey();
    assert.equal(after.kid, result.currentKid);
    assert.notEqual(after.kid, before.kid);
    assert.ok(publishedBefore.includes(after.kid), 'the new signer was in the JWKS before the rotation');
    const publishedAfter = await jwksKids(ring);
    assert.equal(publishedAfter.length, 3);
    assert.ok(publishedAfter.includes(before.kid));
    assert.ok(result.nextKid && publishedAfter.includes(result.nextKid));
    assert.equal(new Set(publishedAfter).size, 3);
  });

  it('keeps a retired key until every token it signed expired, then deletes it', async () => {
    const { ring, store, clock } = await fixture();
    const old = await ring.currentSigningKey();
    const { token } = await signAccessToken(ring, tokenInput(clock.now()));
    await ring.rotate();
    const rotatedAt = clock.now();
    clock.advance(MAX_TTL_S * 1000 - 1000);
    // The last token it signed still verifies against the JWKS.
    await jwtVerify(token, createLocalJWKSet(await ring.jwks()), { currentDate: new Date(clock.now()) });
    clock.set(rotatedAt + MAX_TTL_S * 1000 + RETIRE_GRACE_MS - 1);
    assert.ok((await jwksKids(ring)).includes(old.kid));
    clock.set(rotatedAt + MAX_TTL_S * 1000 + RETIRE_GRACE_MS);
    assert.ok(!(await jwksKids(ring)).includes(old.kid));
    assert.equal((await jwksKids(ring)).length, 2);
    // Cleanup rides on the once-a-minute refresh.
    clock.advance(RING_REFRESH_MS);
    await ring.jwks();
    assert.ok(!(await store.listSigningKeys()).some((k) => k.kid === old.kid), 'deleted from the store');
  });

  it('rotates on schedule after rotationDays, checking the store at most once a minute', async () => {
    const { store, clock, makeRing } = await fixture('RS256', 30);
    let lists = 0;
    const counting: KeyStore = {
      listSigningKeys: () => {
        lists++;
        return store.listSigningKeys();
      },
      putSigningKey: (k) => store.putSigningKey(k),
      retireSigningKey: (kid, at, exp) => store.retireSigningKey(kid, at, exp),
      deleteSigningKey: (kid) => store.deleteSigningKey(kid),
    };
    const ring = makeRing({ store: counting });
    const first = await ring.currentSigningKey();
    const publishedAtStart = await jwksKids(ring);
    const listsAfterStart = lists;
    for (let i = 0; i < 20; i++) await ring.currentSigningKey();
    clock.advance(RING_REFRESH_MS - 1);
    await ring.jwks();
    assert.equal(lists, listsAfterStart, 'no store read within the minute');

    clock.advance(29 * DAY_MS);
    assert.equal((await ring.currentSigningKey()).kid, first.kid);
    clock.advance(DAY_MS);
    const second = await ring.currentSigningKey();
    assert.notEqual(second.kid, first.kid);
    assert.ok(publishedAtStart.includes(second.kid));

    // The next period counts from this rotation, not from the key's creation.
    clock.advance(DAY_MS);
    assert.equal((await ring.currentSigningKey()).kid, second.kid);
    clock.advance(29 * DAY_MS);
    assert.notEqual((await ring.currentSigningKey()).kid, second.kid);
  });

  it('rotationDays 0 never rotates by itself', async () => {
    const { ring, clock } = await fixture('ES256', 0);
    const first = await ring.currentSigningKey();
    clock.advance(400 * DAY_MS);
    assert.equal((await ring.currentSigningKey()).kid, first.kid);
  });

  it('another process sees a rotation within a minute', async () => {
    const { ring, clock, makeRing } = await fixture();
    const other = makeRing();
    const before = await other.currentSigningKey();
    const { currentKid } = await ring.rotate();
    assert.equal((await other.currentSigningKey()).kid, before.kid, 'cached');
    clock.advance(RING_REFRESH_MS);
    assert.equal((await other.currentSigningKey()).kid, currentKid);
  });

  it('a changed alg gets a key that signs at once; the old keys retire normally', async () => {
    const { ring, store, clock, makeRing } = await fixture('RS256');
    const rsa = await ring.currentSigningKey();
    clock.advance(1000);
    const ec = makeRing({ alg: 'ES256' });
    await ec.ensureReady();
    const signer = await ec.currentSigningKey();
    assert.equal(signer.alg, 'ES256');
    const jwks = await ec.jwks();
    assert.equal(jwks.keys.length, 4);
    assert.ok(jwks.keys.some((k) => k.kid === rsa.kid));
    const state = deriveRingState(await store.listSigningKeys(), clock.now());
    assert.deepEqual(
      state.unretired.map((k) => k.alg),
      ['ES256', 'ES256'],
    );
    clock.advance(MAX_TTL_S * 1000 + RETIRE_GRACE_MS + RING_REFRESH_MS);
    assert.deepEqual(
      (await ec.jwks()).keys.map((k) => k.alg),
      ['ES256', 'ES256'],
    );
  });

  it('decrypts the private key once and caches it', async () => {
    const { ring } = await fixture('EdDSA');
    const a = await ring.currentSigningKey();
    const b = await ring.currentSigningKey();
    assert.equal(a.privateKey, b.privateKey);
    assert.equal(a.privateKey.extractable, false);
  });
});

describe('SigningKeyRing secrecy', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: stores the private key sealed and publishes only public members`, async () => {
      const { ring, store, clock } = await fixture(alg);
      await ring.rotate();
      for (const record of await store.listSigningKeys()) {
        assert.ok(!record.sealedPrivateJwk.includes('"d":'));
        assert.ok(record.sealedPrivateJwk.startsWith('v1.'));
        assert.ok(!record.publicJwk.includes('"d"'));
        assert.equal(record.alg, alg);
      }
      const { keys } = await ring.jwks();
      assert.equal(keys.length, 3);
      for (const key of keys) {
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.ok(!(secret in key), secret);
        assert.equal(key.use, 'sig');
        assert.equal(key.alg, alg);
        assert.ok(key.kid && key.kid.length >= 22);
        if (alg === 'RS256') assert.equal(Buffer.from(key.n ?? '', 'base64url').length, 256);
      }
      const { token } = await signAccessToken(ring, tokenInput(clock.now()));
      const { protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys }), {
        currentDate: new Date(clock.now()),
      });
      assert.equal(protectedHeader.alg, alg);
    });
  }
});

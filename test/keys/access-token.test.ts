import assert from 'node:assert/strict';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SigningKeyRing } from '../../src/core/keys/key-ring.ts';
import {
  type AccessTokenInput,
  signAccessToken,
  verifyAccessToken,
} from '../../src/core/tokens/access-token.ts';
import { signIdToken } from '../../src/core/tokens/id-token.ts';
import { fixture } from './ring-fixture.ts';

const ISSUER = 'https://id.example.com';
const NOW = Date.UTC(2026, 0, 1);

const input = (overrides: Partial<AccessTokenInput> = {}): AccessTokenInput => ({
  issuer: ISSUER,
  sub: 'user-1',
  audience: 'https://api.example.com',
  clientId: 'web',
  scope: ['openid', 'email'],
  roles: ['admin'],
  sid: 'session-1',
  email: 'ada@example.com',
  ttlSeconds: 900,
  now: NOW,
  ...overrides,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  let ring: SigningKeyRing;
  let kid: string;
  let good: string;
  const verify = (token: string, now = NOW + 1000, issuer = ISSUER) =>
    verifyAccessToken(ring, token, { issuer, now });

  before(async () => {
    ring = (await fixture('RS256')).ring;
    kid = (await ring.currentSigningKey()).kid;
    good = (await signAccessToken(ring, input())).token;
  });

  it('has the RFC 9068 header and claims', async () => {
    assert.deepEqual(decodeProtectedHeader(good), { alg: 'RS256', kid, typ: 'at+jwt' });
    const claims = decodeJwt(good);
    const iat = Math.floor(NOW / 1000);
    assert.equal(typeof claims.jti, 'string');
    assert.ok((claims.jti ?? '').length >= 22);
    assert.deepEqual(claims, {
      iss: ISSUER,
      sub: 'user-1',
      aud: 'https://api.example.com',
      exp: iat + 900,
      iat,
      jti: claims.jti,
      client_id: 'web',
      scope: 'openid email',
      roles: ['admin'],
      sid: 'session-1',
      email: 'ada@example.com',
    });
    const { expiresIn, token } = await signAccessToken(ring, input({ sid: undefined, email: undefined }));
    assert.equal(expiresIn, 900);
    assert.ok(!('sid' in decodeJwt(token)) && !('email' in decodeJwt(token)));
    assert.notEqual(decodeJwt(token).jti, claims.jti);
  });

  it('keeps extra claims from overriding registered ones', async () => {
    const { token } = await signAccessToken(
      ring,
      input({ jti: 'j1', extra: { iss: 'evil', sub: 'x', tenant: 't1' } }),
    );
    const claims = decodeJwt(token);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, 'user-1');
    assert.equal(claims.jti, 'j1');
    assert.equal(claims['tenant'], 't1');
  });

  it('verifies a good token, with and without an audience check', async () => {
    const result = await verify(good);
    assert.ok(result.ok);
    assert.equal(result.claims.client_id, 'web');
    assert.deepEqual(result.claims.roles, ['admin']);
    const opts = { issuer: ISSUER, now: NOW };
    assert.ok((await verifyAccessToken(ring, good, { ...opts, audience: 'https://api.example.com' })).ok);
    assert.equal((await verifyAccessToken(ring, good, { ...opts, audience: 'other' })).ok, false);
  });

  it('rejects alg none', async () => {
    const [, payload] = good.split('.');
    assert.equal((await verify(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${payload}.`)).ok, false);
  });

  it('rejects HS256 signed with the public key', async () => {
    const jwk = (await ring.jwks()).keys.find((k) => k.kid === kid);
    assert.ok(jwk);
    const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(jwk))]) {
      const forged = await new SignJWT(decodeJwt(good))
        .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
        .sign(new Uint8Array(secret));
      assert.equal((await verify(forged)).ok, false);
    }
  });

  it('rejects embedded-key headers and keys outside the ring', async () => {
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const forge = (header: Record<string, unknown>) =>
      new SignJWT(decodeJwt(good))
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
        .sign(attacker.privateKey);
    assert.equal((await verify(await forge({ kid, jwk: attackerJwk }))).ok, false);
    assert.equal((await verify(await forge({ jwk: attackerJwk }))).ok, false);
    assert.equal((await verify(await forge({ kid, jku: 'https://evil.example/jwks' }))).ok, false);
    assert.equal((await verify(await forge({ kid }))).ok, false, 'ring kid, foreign key');
    assert.equal((await verify(await forge({ kid: 'attacker' }))).ok, false, 'unknown kid');
    // A genuine token carrying a key-bearing header is refused too.
    const [, payload, signature] = good.split('.');
    const withX5u = `${b64({ alg: 'RS256', kid, typ: 'at+jwt', x5u: 'https://evil.example' })}.${payload}.${signature}`;
    assert.equal((await verify(withX5u)).ok, false);
  });

  it('rejects an expired token, a wrong issuer and a tampered payload', async () => {
    assert.equal((await verify(good, NOW + 900_000)).ok, false);
    assert.ok((await verify(good, NOW + 899_000)).ok);
    assert.equal((await verify(good, NOW, 'https://other.example.com')).ok, false);
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = b64({ ...claims, roles: ['admin', 'superuser'] });
    assert.equal((await verify(`${header}.${tampered}.${signature}`)).ok, false);
    assert.equal((await verify('not.a.jwt')).ok, false);
    assert.equal((await verify('')).ok, false);
  });

  it('rejects an ID token (typ JWT) from the same ring', async () => {
    const idToken = await signIdToken(ring, {
      issuer: ISSUER,
      sub: 'user-1',
      clientId: 'web',
      authTime: Math.floor(NOW / 1000),
      amr: ['pwd'],
      ttlSeconds: 900,
      now: NOW,
    });
    assert.equal((await verify(idToken)).ok, false);
  });

  it('rejects a token without exp', async () => {
    const key = await ring.currentSigningKey();
    const { exp: _exp, ...claims } = decodeJwt(good);
    const noExp = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .sign(key.privateKey);
    assert.equal((await verify(noExp)).ok, false);
  });

  it('works for ES256 and EdDSA rings, and refuses their tokens across rings', async () => {
    const es = (await fixture('ES256')).ring;
    const ed = (await fixture('EdDSA')).ring;
    const esToken = (await signAccessToken(es, input())).token;
    const edToken = (await signAccessToken(ed, input())).token;
    assert.equal(decodeProtectedHeader(esToken).alg, 'ES256');
    assert.equal(decodeProtectedHeader(edToken).alg, 'EdDSA');
    assert.ok((await verifyAccessToken(es, esToken, { issuer: ISSUER, now: NOW })).ok);
    assert.ok((await verifyAccessToken(ed, edToken, { issuer: ISSUER, now: NOW })).ok);
    assert.equal((await verifyAccessToken(ed, esToken, { issuer: ISSUER, now: NOW })).ok, false);
    assert.equal((await verify(edToken)).ok, false);
  });
});

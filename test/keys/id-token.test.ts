import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { accessTokenHash, signIdToken } from '../../src/core/tokens/id-token.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/core/tokens/refresh-token.ts';
import { fixture } from './ring-fixture.ts';

const NOW = Date.UTC(2026, 0, 1);

describe('ID tokens', () => {
  it('carry the OIDC claims under typ JWT and verify against the JWKS', async () => {
    const { ring } = await fixture('ES256');
    const kid = (await ring.currentSigningKey()).kid;
    const token = await signIdToken(ring, {
      issuer: 'https://id.example.com',
      sub: 'user-1',
      clientId: 'web',
      nonce: 'n-1',
      authTime: NOW / 1000 - 60,
      amr: ['pwd'],
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
      sid: 's-1',
      ttlSeconds: 3600,
      now: NOW,
      atHash: 'abc',
    });
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid, typ: 'JWT' });
    const { payload } = await jwtVerify(token, createLocalJWKSet(await ring.jwks()), {
      issuer: 'https://id.example.com',
      audience: 'web',
      currentDate: new Date(NOW),
    });
    assert.deepEqual(payload, {
      iss: 'https://id.example.com',
      sub: 'user-1',
      aud: 'web',
      exp: NOW / 1000 + 3600,
      iat: NOW / 1000,
      auth_time: NOW / 1000 - 60,
      amr: ['pwd'],
      nonce: 'n-1',
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada',
      sid: 's-1',
      at_hash: 'abc',
    });
  });

  it('computes at_hash as in OpenID Connect Core (RS256 example)', () => {
    assert.equal(
      accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'),
      '77QmUPtjPfzWtF2AnpK9RQ',
    );
    assert.equal(accessTokenHash('x', 'EdDSA').length, 43);
  });
});

describe('opaque tokens', () => {
  it('are prefixed, carry 32 random bytes and hash to SHA-256 base64url', () => {
    const a = generateOpaqueToken('ghr_');
    const b = generateOpaqueToken('ghr_');
    assert.match(a, /^ghr_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(hashOpaqueToken(a), hashOpaqueToken(a));
    assert.notEqual(hashOpaqueToken(a), hashOpaqueToken(b));
    assert.match(hashOpaqueToken(a), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!hashOpaqueToken(a).includes(a.slice(4)));
    assert.equal(
      hashOpaqueToken('abc'),
      Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString(
        'base64url',
      ),
    );
  });

  it('use the given random source', () => {
    const token = generateOpaqueToken('x_', { bytes: (n) => new Uint8Array(n).fill(1) });
    assert.equal(token, 'x_' + Buffer.alloc(32, 1).toString('base64url'));
  });
});

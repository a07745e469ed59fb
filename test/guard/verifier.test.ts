import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportSPKI, SignJWT } from 'jose';
import { ManualClock } from '../../src/core/clock.ts';
import { createVerifier, GuardError, hasRoles, hasScopes, type Verifier } from '../../src/guard/index.ts';
import { b64json, generateTestKey, JsonServer, sendJson, type TestAlg, TestIssuer } from './test-issuer.ts';

const AUDIENCE = 'https://api.example.test';

async function rejectsWith(promise: Promise<unknown>, code: string, reason?: string): Promise<GuardError> {
  const error = await promise.then(
    () => assert.fail('verification resolved but must reject'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GuardError, `expected GuardError, got ${String(error)}`);
  assert.equal(error.code, code);
  if (reason !== undefined) assert.equal(error.reason, reason);
  return error;
}

describe('createVerifier: valid tokens', () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  before(async () => {
    issuer = await TestIssuer.start();
    verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
  });
  after(() => issuer.close());

  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`accepts a ${alg} access token and returns its claims`, async () => {
      const token = await issuer.sign(issuer.key(alg));
      const claims = await verifier.verify(token);
      assert.equal(claims.iss, issuer.issuer);
      assert.equal(claims.sub, 'user-123');
      assert.equal(claims.client_id, 'client-abc');
      assert.equal(claims.scope, 'openid email orders:read');
      assert.deepEqual(claims.roles, ['admin', 'billing']);
      assert.equal(claims.sid, 'session-1');
      assert.equal(claims.email, 'ada@example.test');
    });
  }

  it('accepts typ application/at+jwt (RFC 9068 §4)', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { header: { typ: 'application/at+jwt' } });
    assert.equal((await verifier.verify(token)).sub, 'user-123');
  });

  it('accepts an aud array containing the audience', async () => {
    const token = await issuer.sign(issuer.key('ES256'), { claims: { aud: ['other', AUDIENCE] } });
    assert.equal((await verifier.verify(token)).sub, 'user-123');
  });

  it('normalises absent scope and roles to empty values', async () => {
    const token = await issuer.sign(issuer.key('RS256'), {
      claims: { scope: undefined, roles: undefined, email: undefined, sid: undefined },
    });
    const claims = await verifier.verify(token);
    assert.equal(claims.scope, '');
    assert.deepEqual(claims.roles, []);
    assert.equal(claims.email, undefined);
  });

  it('fetches discovery and JWKS once for many verifications', async () => {
    const before = issuer.jwksRequests;
    await Promise.all(
      Array.from({ length: 5 }, async () => verifier.verify(await issuer.sign(issuer.key('EdDSA')))),
    );
    assert.equal(issuer.jwksRequests, before);
  });

  it('hasScopes / hasRoles require every listed item', async () => {
    const claims = await verifier.verify(await issuer.sign(issuer.key('RS256')));
    assert.equal(hasScopes(claims, ['orders:read', 'email']), true);
    assert.equal(hasScopes(claims, ['orders:read', 'orders:write']), false);
    assert.equal(hasScopes(claims, ['orders']), false);
    assert.equal(hasScopes(claims, []), true);
    assert.equal(hasRoles(claims, ['admin']), true);
    assert.equal(hasRoles(claims, ['admin', 'root']), false);
  });
});

describe('createVerifier: forged and wrong tokens are invalid_token', () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  let attacker: JsonServer;
  let now: number;
  before(async () => {
    issuer = await TestIssuer.start();
    verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    // Warm the cache so forged tokens below are judged against known keys.
    await verifier.verify(await issuer.sign(issuer.key('RS256')));
    const attackerKey = await generateTestKey('RS256', 'attacker-kid');
    attacker = new JsonServer((_req, res) => sendJson(res, { keys: [attackerKey.publicJwk] }));
    await attacker.listen();
    now = Date.now();
  });
  after(async () => {
    await issuer.close();
    await attacker.close();
  });

  it('rejects alg none', async () => {
    const rs = issuer.key('RS256');
    const token = `${b64json({ alg: 'none', typ: 'at+jwt', kid: rs.kid })}.${b64json(issuer.claims(now))}.`;
    await rejectsWith(verifier.verify(token), 'invalid_token');
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const rs = issuer.key('RS256');
    for (const secret of [
      new TextEncoder().encode(await exportSPKI(rs.publicKey)),
      new TextEncoder().encode(JSON.stringify(rs.publicJwk)),
    ]) {
      const token = await new SignJWT(issuer.claims(now))
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: rs.kid })
        .sign(secret);
      await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('rejects a token carrying its own key in a jwk header', async () => {
    const evil = await generateTestKey('RS256');
    for (const kid of [evil.kid, issuer.key('RS256').kid]) {
      const token = await new SignJWT(issuer.claims(now))
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid, jwk: evil.publicJwk })
        .sign(evil.privateKey);
      await rejectsWith(verifier.verify(token), 'invalid_token', 'forbidden_header');
    }
  });

  it('never fetches a jku (or x5u) URL and rejects the token', async () => {
    const evil = await generateTestKey('RS256', 'attacker-kid');
    for (const header of [{ jku: `${attacker.url}/jwks` }, { x5u: `${attacker.url}/cert.pem` }]) {
      const token = await new SignJWT(issuer.claims(now))
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: evil.kid, ...header })
        .sign(evil.privateKey);
      await rejectsWith(verifier.verify(token), 'invalid_token', 'forbidden_header');
    }
    assert.equal(attacker.requests, 0);
  });

  it('rejects an x5c header', async () => {
    const rs = issuer.key('RS256');
    const token = await issuer.sign(rs, { header: { x5c: ['MIIB'] } });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'forbidden_header');
  });

  it('rejects a token signed by an unknown key under a known kid', async () => {
    const evil = await generateTestKey('RS256', issuer.key('RS256').kid);
    const token = await issuer.sign(evil);
    await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('rejects a tampered payload', async () => {
    const token = await issuer.sign(issuer.key('ES256'));
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64json(issuer.claims(now, { roles: ['root'] }))}.${s}`;
    await rejectsWith(verifier.verify(forged), 'invalid_token');
  });

  for (const kid of ['../../x', "' OR 1=1 --", '', 'k'.repeat(300)]) {
    it(`rejects injected kid ${JSON.stringify(kid.slice(0, 20))}`, async () => {
      const token = await issuer.sign(issuer.key('RS256'), { header: { kid } });
      await rejectsWith(verifier.verify(token), 'invalid_token');
    });
  }

  it('rejects a token without kid', async () => {
    const rs = issuer.key('RS256');
    const token = await new SignJWT(issuer.claims(now))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .sign(rs.privateKey);
    await rejectsWith(verifier.verify(token), 'invalid_token', 'bad_kid');
  });

  it('rejects an expired token', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { nowMs: now - 3_600_000 });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JWT_EXPIRED');
  });

  it('rejects a token without exp', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { claims: { exp: undefined } });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  for (const claim of ['sub', 'client_id', 'jti', 'iat'] as const) {
    it(`rejects a token without ${claim}`, async () => {
      const token = await issuer.sign(issuer.key('RS256'), { claims: { [claim]: undefined } });
      await rejectsWith(verifier.verify(token), 'invalid_token');
    });
  }

  it('rejects a token whose roles are not strings', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { claims: { roles: 'admin' } });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'malformed_claims');
  });

  it('rejects a wrong audience', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { claims: { aud: 'https://other.example.test' } });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('rejects a wrong issuer', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { claims: { iss: 'https://evil.example.test' } });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  for (const typ of ['JWT', undefined, 'id_token+jwt']) {
    it(`rejects typ ${String(typ)} (e.g. an ID token)`, async () => {
      const rs = issuer.key('RS256');
      const header = typ === undefined ? { alg: 'RS256', kid: rs.kid } : { alg: 'RS256', kid: rs.kid, typ };
      const token = await new SignJWT(issuer.claims(now)).setProtectedHeader(header).sign(rs.privateKey);
      await rejectsWith(verifier.verify(token), 'invalid_token', 'wrong_typ');
    });
  }

  for (const garbage of ['', 'not-a-jwt', 'a.b.c', 'x'.repeat(20_000)]) {
    it(`rejects garbage ${JSON.stringify(garbage.slice(0, 12))}`, async () => {
      await rejectsWith(verifier.verify(garbage), 'invalid_token');
    });
  }

  it('rejects an allowed-by-default algorithm the verifier was not configured for', async () => {
    const esOnly = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, algorithms: ['ES256'] });
    await rejectsWith(esOnly.verify(await issuer.sign(issuer.key('RS256'))), 'invalid_token');
    assert.equal((await esOnly.verify(await issuer.sign(issuer.key('ES256')))).sub, 'user-123');
  });

  it('error messages are generic and never contain the token', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { nowMs: now - 3_600_000 });
    const error = await rejectsWith(verifier.verify(token), 'invalid_token');
    assert.equal(error.message, 'The access token is not valid');
    assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(token.slice(0, 20)));
  });
});

describe('createVerifier: configuration', () => {
  for (const alg of ['none', 'HS256', 'HS512', 'RSA-OAEP']) {
    it(`refuses to be configured with ${alg}`, () => {
      assert.throws(
        () =>
          createVerifier({ issuer: 'https://id.example.test', audience: 'a', algorithms: [alg as TestAlg] }),
        TypeError,
      );
    });
  }
  it('refuses a non-http issuer and an empty audience', () => {
    assert.throws(() => createVerifier({ issuer: 'id.example.test', audience: 'a' }), TypeError);
    assert.throws(() => createVerifier({ issuer: 'https://id.example.test', audience: [] }), TypeError);
  });
});

describe('createVerifier: key rotation and refetch limits', () => {
  it('refetches the JWKS for an unknown kid at most once a minute', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      const clock = new ManualClock(Date.now());
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, clock });
      const sign = (key = issuer.key('RS256'), header = {}) =>
        issuer.sign(key, { nowMs: clock.now(), header });

      await verifier.verify(await sign());
      assert.equal(issuer.jwksRequests, 1);

      // The issuer publishes a new key. Within the cooldown nobody refetches, however many ask.
      const rotated = await issuer.addKey('ES256');
      clock.advance(10_000);
      const early = await sign(rotated);
      await Promise.all(
        Array.from({ length: 5 }, () => rejectsWith(verifier.verify(early), 'invalid_token')),
      );
      assert.equal(issuer.jwksRequests, 1);

      // After a minute one refetch finds it; concurrent callers share that one fetch.
      clock.advance(51_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, async () => verifier.verify(await sign(rotated))),
      );
      assert.ok(results.every((c) => c.sub === 'user-123'));
      assert.equal(issuer.jwksRequests, 2);

      // Made-up kids: rejected without a fetch inside the cooldown, one fetch after it.
      const bogus = await sign(issuer.key('RS256'), { kid: 'made-up' });
      clock.advance(1_000);
      await rejectsWith(verifier.verify(bogus), 'invalid_token', 'unknown_kid');
      assert.equal(issuer.jwksRequests, 2);
      clock.advance(60_000);
      await rejectsWith(
        verifier.verify(await sign(issuer.key('RS256'), { kid: 'made-up' })),
        'invalid_token',
      );
      await rejectsWith(verifier.verify(await sign(issuer.key('RS256'), { kid: 'other' })), 'invalid_token');
      assert.equal(issuer.jwksRequests, 3);
    } finally {
      await issuer.close();
    }
  });

  it('refreshes keys after cacheMaxAge and fails closed if that refresh fails', async () => {
    const issuer = await TestIssuer.start(['ES256']);
    try {
      const clock = new ManualClock(Date.now());
      const verifier = createVerifier({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        clock,
        cacheMaxAgeMs: 600_000,
      });
      const token = () => issuer.sign(issuer.key('ES256'), { nowMs: clock.now() });
      await verifier.verify(await token());

      // Issuer down, keys still fresh: cached keys keep working.
      issuer.jwksMode = 'error';
      clock.advance(300_000);
      assert.equal((await verifier.verify(await token())).sub, 'user-123');

      // Keys stale and the issuer down: nothing verifies.
      clock.advance(300_000);
      await rejectsWith(verifier.verify(await token()), 'jwks_unavailable');

      // Issuer back: the next verification refreshes and succeeds.
      issuer.jwksMode = 'ok';
      assert.equal((await verifier.verify(await token())).sub, 'user-123');
      assert.equal(issuer.discoveryRequests, 3);
    } finally {
      await issuer.close();
    }
  });

  it('a key removed from the JWKS stops verifying after the refresh', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      const clock = new ManualClock(Date.now());
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, clock });
      const old = issuer.key('RS256');
      await verifier.verify(await issuer.sign(old, { nowMs: clock.now() }));
      issuer.published.delete(old.kid);
      await issuer.addKey('RS256');
      clock.advance(11 * 60_000);
      await rejectsWith(verifier.verify(await issuer.sign(old, { nowMs: clock.now() })), 'invalid_token');
    } finally {
      await issuer.close();
    }
  });
});

describe('createVerifier: fails closed when keys cannot be had', () => {
  const sign = async (issuer: TestIssuer, alg: TestAlg = 'RS256') => issuer.sign(issuer.key(alg));

  it('JWKS answering 500 → jwks_unavailable', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      issuer.jwksMode = 'error';
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
      await rejectsWith(verifier.verify(await sign(issuer)), 'jwks_unavailable');
    } finally {
      await issuer.close();
    }
  });

  it('issuer not listening → jwks_unavailable', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    const token = await sign(issuer);
    const url = issuer.issuer;
    await issuer.close();
    const verifier = createVerifier({ issuer: url, audience: AUDIENCE });
    await rejectsWith(verifier.verify(token), 'jwks_unavailable');
  });

  it('discovery naming another issuer → jwks_unavailable, JWKS never fetched', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      issuer.discoveryIssuer = 'https://evil.example.test';
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
      await rejectsWith(verifier.verify(await sign(issuer)), 'jwks_unavailable', 'issuer_mismatch');
      assert.equal(issuer.jwksRequests, 0);
    } finally {
      await issuer.close();
    }
  });

  it('discovery with a trailing-slash mismatch is refused (exact match)', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      const verifier = createVerifier({ issuer: `${issuer.issuer}/`, audience: AUDIENCE });
      await rejectsWith(verifier.verify(await sign(issuer)), 'jwks_unavailable', 'issuer_mismatch');
    } finally {
      await issuer.close();
    }
  });

  it('JWKS hanging → rejects within ~5s with the default timeout, never resolves', async () => {
    const issuer = await TestIssuer.start(['RS256']);
    try {
      issuer.jwksMode = 'hang';
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
      const started = performance.now();
      await rejectsWith(verifier.verify(await sign(issuer)), 'jwks_unavailable', 'timeout');
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 6_000, `took ${elapsed}ms`);
      assert.ok(elapsed >= 4_500, `took ${elapsed}ms`);
    } finally {
      await issuer.close();
    }
  });
});

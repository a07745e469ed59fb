/** Cookie mode's building blocks in isolation: return paths, CSRF tokens, sealing, options, refresh sharing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { resolveContext, sessionSetCookie } from '../../src/guard/cookie-context.ts';
import { readCookie, serializeCookie } from '../../src/guard/cookie-header.ts';
import { deriveCookieKeys, seal, unseal } from '../../src/guard/cookie-seal.ts';
import { createCookieSession } from '../../src/guard/cookie-session.ts';
import { mintCsrfToken, verifyCsrfProof } from '../../src/guard/csrf-token.ts';
import { RefreshCoalescer } from '../../src/guard/refresh-coalescer.ts';
import { safeReturnPath } from '../../src/guard/return-path.ts';

const SECRET = 'unit-test-secret-that-is-32-bytes-or-more';
const BASE = {
  issuer: 'https://id.example.com',
  clientId: 'bff',
  clientSecret: 'x'.repeat(40),
  redirectUri: 'https://app.example.com/auth/callback',
  secret: SECRET,
};

describe('safeReturnPath', () => {
  it('accepts same-origin paths', () => {
    for (const ok of ['/', '/notes', '/notes?id=1&x=%2F%2Fevil', '/a/b#frag', '/%2F%2Fevil.com']) {
      assert.equal(safeReturnPath(ok), ok, ok);
    }
  });
  it('refuses anything that could leave the origin', () => {
    const bad = [
      '//evil.com',
      '///evil.com',
      'https://evil.com',
      'http:evil.com',
      'javascript:alert(1)',
      '/\\evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      '/\n/evil.com',
      'evil.com',
      '',
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of bad) assert.equal(safeReturnPath(value), null, JSON.stringify(value));
    assert.equal(safeReturnPath(undefined), null);
  });
});

describe('signed double-submit CSRF tokens', () => {
  const key = deriveCookieKeys(SECRET).csrf;
  it('verifies a token against its own session only', () => {
    const token = mintCsrfToken(key, 'session-a', 'nonce-1');
    assert.equal(verifyCsrfProof(key, 'session-a', token, token), true);
    assert.equal(verifyCsrfProof(key, 'session-b', token, token), false, 'bound to the session');
    assert.equal(verifyCsrfProof(deriveCookieKeys(`${SECRET}!`).csrf, 'session-a', token, token), false);
  });
  it('requires the proof to equal the cookie', () => {
    const token = mintCsrfToken(key, 'session-a', 'nonce-1');
    const other = mintCsrfToken(key, 'session-a', 'nonce-2');
    assert.equal(verifyCsrfProof(key, 'session-a', token, other), false);
    assert.equal(verifyCsrfProof(key, 'session-a', token, undefined), false);
    assert.equal(verifyCsrfProof(key, 'session-a', undefined, token), false);
    assert.equal(verifyCsrfProof(key, 'session-a', 'unsigned', 'unsigned'), false);
    assert.equal(verifyCsrfProof(key, 'session-a', '.x', '.x'), false);
  });
});

describe('cookie header helpers', () => {
  it('reads the named cookie', () => {
    assert.equal(readCookie('a=1; __Host-session=abc.def; b=2', '__Host-session'), 'abc.def');
    assert.equal(readCookie('x__Host-session=evil', '__Host-session'), undefined);
    assert.equal(readCookie('__Host-session=', '__Host-session'), undefined);
    assert.equal(readCookie(null, 'a'), undefined);
  });
  it('writes Path=/ and SameSite=Lax always', () => {
    assert.equal(
      serializeCookie('n', 'v', { maxAge: 60, httpOnly: true, secure: true }),
      'n=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax',
    );
    assert.equal(serializeCookie('n', 'v', { httpOnly: false, secure: false }), 'n=v; Path=/; SameSite=Lax');
  });
});

describe('sealing', () => {
  const clock = new ManualClock();
  it('keeps each purpose apart and honours expiry', async () => {
    const keys = deriveCookieKeys(SECRET);
    const sealed = await seal({ hello: 'world' }, keys.transaction, 60, clock);
    assert.equal((await unseal(sealed, keys.transaction, clock))?.['hello'], 'world');
    assert.equal(
      await unseal(sealed, keys.session, clock),
      null,
      'a transaction cookie is no session cookie',
    );
    clock.advance(61_000);
    assert.equal(await unseal(sealed, keys.transaction, clock), null, 'expired');
    assert.equal(await unseal('not-a-jwe', keys.session, clock), null);
  });
  it('refuses short secrets without echoing them', () => {
    assert.throws(
      () => deriveCookieKeys('too-short-secret'),
      (error: Error) => /at least 32 bytes/.test(error.message) && !error.message.includes('too-short'),
    );
  });
});

describe('createCookieSession options', () => {
  it('validates its configuration at start-up', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ secure: false, cookieName: '__Host-x' }, /__Host- cookieName requires secure/],
      [{ cookieName: 'bad name' }, /cookieName/],
      [{ scope: 'profile email' }, /openid/],
      [{ redirectUri: 'https://app.example.com/cb?x=1' }, /query/],
      [{ redirectUri: '/relative' }, /redirectUri/],
      [{ issuer: 'ftp://id.example.com' }, /issuer/],
      [{ secret: 'short' }, /32 bytes/],
      [{ maxAgeSeconds: 0 }, /maxAgeSeconds/],
    ];
    for (const [override, message] of bad) {
      assert.throws(() => createCookieSession({ ...BASE, ...override } as never), message);
    }
    assert.equal(createCookieSession({ ...BASE, secure: false }).cookieNames.session, 'session');
    const dev = createCookieSession({ ...BASE, secure: false, cookieName: 'dev_session' });
    assert.deepEqual(dev.cookieNames, {
      session: 'dev_session',
      csrf: 'dev_session_csrf',
      transaction: 'dev_session_tx',
    });
    assert.deepEqual(createCookieSession(BASE).cookieNames, {
      session: '__Host-session',
      csrf: '__Host-session_csrf',
      transaction: '__Host-session_tx',
    });
  });

  it('fails loudly when the sealed session would not fit in a cookie', async () => {
    const ctx = resolveContext(BASE);
    const payload = { sid: 's', csn: 'c', at: 'x'.repeat(4000), exp_at: 1, ref_at: 1, user: { sub: 'u' } };
    await assert.rejects(sessionSetCookie(ctx, payload), /over the 4096 browsers keep/);
    const fits = await sessionSetCookie(ctx, { ...payload, at: 'x'.repeat(1000) });
    assert.ok(fits.startsWith('__Host-session='));
  });
});

describe('an unreachable issuer', () => {
  const DOWN = {
    ...BASE,
    issuer: 'http://127.0.0.1:1',
    redirectUri: 'http://127.0.0.1:2/auth/callback',
    timeoutSeconds: 2,
  };

  it('login answers 503', async () => {
    const res = await createCookieSession(DOWN).login(new Request('http://127.0.0.1:2/auth/login'));
    assert.equal(res.status, 503);
  });

  it('keeps the session (503, nothing cleared) rather than signing everyone out', async () => {
    const ctx = resolveContext(DOWN);
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    // Well-formed enough that verification gets as far as fetching the issuer's keys.
    const at = `${part({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })}.${part({ sub: 'u' })}.c2ln`;
    const base = { sid: 's', csn: 'c', at, rt: 'ghr_x', user: { sub: 'u' } };
    for (const times of [
      { exp_at: now + 600, ref_at: now + 570 }, // fresh: keys can't be fetched
      { exp_at: now - 10, ref_at: now - 40 }, // due: the token endpoint can't be reached
    ]) {
      const cookie = (await sessionSetCookie(ctx, { ...base, ...times })).split(';')[0] ?? '';
      const session = createCookieSession(DOWN);
      const decision = await session.guard(new Request('http://127.0.0.1:2/api', { headers: { cookie } }));
      assert.deepEqual(decision, { outcome: 'unavailable', setCookies: [] });
    }
  });
});

describe('RefreshCoalescer', () => {
  it('runs one grant for concurrent refreshes and remembers it for the grace period only', async () => {
    const clock = new ManualClock();
    const coalescer = new RefreshCoalescer<string>(clock, 30_000);
    let grants = 0;
    const grant = async () => `new-${++grants}`;
    const results = await Promise.all([1, 2, 3].map(() => coalescer.run('rt-1', grant)));
    assert.deepEqual(results, ['new-1', 'new-1', 'new-1']);
    assert.equal(await coalescer.run('rt-1', grant), 'new-1', 'late request with the old cookie');
    clock.advance(30_000);
    assert.equal(await coalescer.run('rt-1', grant), 'new-2', 'forgotten after the grace period');
    coalescer.forget('rt-1');
    assert.equal(await coalescer.run('rt-1', grant), 'new-3');
  });

  it('does not remember failures', async () => {
    const coalescer = new RefreshCoalescer<string>(new ManualClock());
    await assert.rejects(coalescer.run('rt', () => Promise.reject(new Error('down'))));
    assert.equal(await coalescer.run('rt', async () => 'ok'), 'ok');
  });
});

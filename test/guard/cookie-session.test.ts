/**
 * Cookie mode's framework-free core (createCookieSession) against a live Gatehouse on loopback:
 * real authorization code flow, real token endpoint, real refresh-token rotation and revocation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CookieSession, createCookieSession } from '../../src/guard/cookie-session.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, signedInBrowser } from '../oauth/fixtures.ts';
import {
  AUDIENCE,
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  cookieModeConfig,
  coreSend,
  isActive,
  openSessionCookie,
  revoke,
  SESSION_SECRET,
  signIn,
  sleep,
} from './cookie-fixtures.ts';

const APP = 'http://127.0.0.1:4517';
const SESSION = '__Host-session';
const CSRF = '__Host-session_csrf';
const TX = '__Host-session_tx';

function sessionFor(server: TestServer, overrides: Partial<Parameters<typeof createCookieSession>[0]> = {}) {
  return createCookieSession({
    issuer: server.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: `${APP}/auth/callback`,
    secret: SESSION_SECRET,
    audience: AUDIENCE,
    scope: 'openid profile email offline_access notes:read',
    ...overrides,
  });
}

/** A request to the app from `browser`, with extra headers. */
function appRequest(
  browser: Browser,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
) {
  return new Request(new URL(path, APP), {
    method: init.method ?? 'GET',
    headers: { cookie: browser.cookieHeader(), ...init.headers },
  });
}

const post = (browser: Browser, headers: Record<string, string> = {}) =>
  appRequest(browser, '/api/notes', { method: 'POST', headers });

describe('cookie mode core against a live Gatehouse', () => {
  let server: TestServer;
  let session: CookieSession;
  let gatehouseCookie: string;
  let userId: string;

  before(async () => {
    server = await startTestServer({ config: cookieModeConfig([APP]) });
    session = sessionFor(server);
    ({ cookie: gatehouseCookie, userId } = await signedInBrowser(server, 'cookie-core@example.com'));
  });
  after(() => server.close());

  const signedIn = async (returnTo = '/') => {
    const browser = new Browser(coreSend(session), APP);
    const callback = await signIn(browser, server, gatehouseCookie, returnTo);
    return { browser, callback };
  };

  it('logs in: login → Gatehouse → callback → authenticated, with PKCE, state and nonce', async () => {
    const browser = new Browser(coreSend(session), APP);
    const login = await browser.request('/auth/login?return_to=%2Fnotes%3Fsort%3Ddesc');
    const authUrl = new URL(login.headers.get('location') ?? '');
    assert.equal(`${authUrl.origin}${authUrl.pathname}`, `${server.url}/oauth/authorize`);
    assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authUrl.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(authUrl.searchParams.get('redirect_uri'), `${APP}/auth/callback`);
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok(authUrl.searchParams.get(p));
    assert.ok(browser.cookies.has(TX), 'the transaction cookie is set');
    assert.doesNotMatch(login.headers.getSetCookie().join(), /state=|nonce=/, 'nothing in clear');

    const back = await authorize(server, authUrl, gatehouseCookie);
    const callbackUrl = new URL(back.headers.get('location') ?? '');
    assert.equal(callbackUrl.searchParams.get('iss'), server.url);
    const callback = await browser.request(callbackUrl.href);
    assert.equal(callback.status, 302);
    assert.equal(callback.headers.get('location'), '/notes?sort=desc');
    assert.equal(callback.headers.get('cache-control'), 'no-store');
    assert.ok(browser.cookies.has(SESSION) && browser.cookies.has(CSRF));
    assert.ok(!browser.cookies.has(TX), 'the transaction cookie is spent');

    const result = await session.authenticate(appRequest(browser, '/'));
    assert.ok(result.ok);
    assert.equal(result.claims.sub, userId);
    assert.equal(result.claims.aud, AUDIENCE);
    assert.equal(result.user.sub, userId);
    assert.equal(result.user.email, 'cookie-core@example.com');
    assert.equal(result.csrfToken, browser.cookies.get(CSRF));
    assert.deepEqual(result.setCookies, [], 'nothing to rewrite while the token is fresh');
    assert.equal(result.accessToken.split('.').length, 3);
  });

  it('sets HttpOnly; Secure; SameSite=Lax; Path=/ cookies (the CSRF one readable by scripts)', async () => {
    const { callback } = await signedIn();
    const cookies = callback.headers.getSetCookie();
    const named = (name: string) => cookies.find((c) => c.startsWith(`${name}=`)) ?? '';
    const attrs = (line: string) =>
      line
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());
    const session = attrs(named(SESSION));
    for (const a of ['httponly', 'secure', 'samesite=lax', 'path=/']) assert.ok(session.includes(a), a);
    assert.ok(session.some((a) => a.startsWith('max-age=')));
    const csrf = attrs(named(CSRF));
    for (const a of ['secure', 'samesite=lax', 'path=/']) assert.ok(csrf.includes(a), a);
    assert.ok(!csrf.includes('httponly'), 'the page must read the CSRF cookie');
    const clearedTx = attrs(named(TX));
    assert.ok(clearedTx.includes('max-age=0') && clearedTx.includes('secure'));
    // The session cookie fits what browsers keep.
    const size = named(SESSION).split(';')[0]?.length ?? 0;
    assert.ok(size > 1000 && size <= 4096, `session cookie is ${size} bytes`);

    const login = await new Browser(coreSend(sessionFor(server)), APP).request('/auth/login');
    const tx = attrs(login.headers.getSetCookie()[0] ?? '');
    for (const a of ['httponly', 'secure', 'samesite=lax', 'path=/', 'max-age=600'])
      assert.ok(tx.includes(a), a);
  });

  it('refuses open redirects in return_to', async () => {
    const browser = new Browser(coreSend(session), APP);
    for (const bad of [
      '//evil.com',
      'https://evil.com',
      '/\\evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      'evil.com',
    ]) {
      const res = await browser.request(`/auth/login?return_to=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.headers.get('location'), null);
    }
    const res = await session.login(new Request(`${APP}/auth/login`), { returnTo: 'https://evil.com/' });
    assert.equal(res.status, 400);
  });

  it('answers 400 to a callback whose state does not match (and to one with no login in progress)', async () => {
    const browser = new Browser(coreSend(session), APP);
    const login = await browser.request('/auth/login');
    const back = new URL(
      (await authorize(server, login.headers.get('location') ?? '', gatehouseCookie)).headers.get(
        'location',
      ) ?? '',
    );
    const forged = new URL(back);
    forged.searchParams.set('state', 'attacker-state');
    const res = await browser.request(forged.href);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /state_mismatch/);
    assert.ok(!browser.cookies.has(SESSION));

    const stranger = await new Browser(coreSend(session), APP).request(back.href);
    assert.equal(stranger.status, 400, 'no transaction cookie: login CSRF refused');
    assert.match(await stranger.text(), /no_login_in_progress/);
  });

  it('answers 400 when the iss parameter is not the issuer (RFC 9207, checked by openid-client)', async () => {
    const browser = new Browser(coreSend(session), APP);
    const login = await browser.request('/auth/login');
    const back = new URL(
      (await authorize(server, login.headers.get('location') ?? '', gatehouseCookie)).headers.get(
        'location',
      ) ?? '',
    );
    back.searchParams.set('iss', 'https://evil.example');
    const res = await browser.request(back.href);
    assert.equal(res.status, 400);
    assert.ok(!browser.cookies.has(SESSION));
  });

  it('401 for a tampered session cookie, and the bad cookie is cleared', async () => {
    const { browser } = await signedIn();
    const value = browser.cookies.get(SESSION) ?? '';
    const parts = value.split('.');
    const ciphertext = parts[3] ?? '';
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    browser.cookies.set(SESSION, parts.join('.'));
    const decision = await session.guard(appRequest(browser, '/api/me'));
    assert.equal(decision.outcome, 'unauthenticated');
    assert.ok(decision.setCookies.some((c) => c.startsWith(`${SESSION}=;`) && /Max-Age=0/.test(c)));
    const result = await session.authenticate(appRequest(browser, '/'));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'no_session');
  });

  it('401 for a session cookie sealed with another secret', async () => {
    const other = sessionFor(server, { secret: 'a-completely-different-secret-of-32-bytes' });
    const browser = new Browser(coreSend(other), APP);
    await signIn(browser, server, gatehouseCookie);
    assert.ok((await other.authenticate(appRequest(browser, '/'))).ok, 'valid where it was made');
    const decision = await session.guard(appRequest(browser, '/api/me'));
    assert.equal(decision.outcome, 'unauthenticated');
  });

  it('401 with no cookie at all, and nothing to clear', async () => {
    const decision = await session.guard(new Request(`${APP}/api/me`));
    assert.deepEqual(decision, { outcome: 'unauthenticated', setCookies: [] });
  });

  describe('CSRF on unsafe methods (signed double-submit)', () => {
    it('GET needs no CSRF token', async () => {
      const { browser } = await signedIn();
      const decision = await session.guard(appRequest(browser, '/api/notes'));
      assert.equal(decision.outcome, 'allow');
      assert.equal(await session.checkCsrf(appRequest(browser, '/api/notes')), true);
    });

    it('403 for a POST without the header', async () => {
      const { browser } = await signedIn();
      assert.equal((await session.guard(post(browser))).outcome, 'csrf_failed');
      assert.equal(await session.checkCsrf(post(browser)), false);
    });

    it('403 when the header does not match the cookie', async () => {
      const { browser } = await signedIn();
      const token = browser.cookies.get(CSRF) ?? '';
      const other = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      assert.equal((await session.guard(post(browser, { 'x-csrf-token': other }))).outcome, 'csrf_failed');
      assert.equal((await session.guard(post(browser, { 'x-csrf-token': '' }))).outcome, 'csrf_failed');
    });

    it('403 when the CSRF cookie is missing, even with a correct header', async () => {
      const { browser } = await signedIn();
      const token = browser.cookies.get(CSRF) ?? '';
      browser.cookies.delete(CSRF);
      assert.equal((await session.guard(post(browser, { 'x-csrf-token': token }))).outcome, 'csrf_failed');
    });

    it('403 when cookie and header are copied from another session', async () => {
      const victim = await signedIn();
      const attacker = await signedIn();
      const attackerToken = attacker.browser.cookies.get(CSRF) ?? '';
      // The attacker plants their own (valid, matching) CSRF cookie and header next to the
      // victim's session cookie, as a sibling-subdomain cookie toss would.
      victim.browser.cookies.set(CSRF, attackerToken);
      const decision = await session.guard(post(victim.browser, { 'x-csrf-token': attackerToken }));
      assert.equal(decision.outcome, 'csrf_failed');
    });

    it('200 with the header equal to the session-bound cookie, for every unsafe method', async () => {
      const { browser } = await signedIn();
      const token = browser.cookies.get(CSRF) ?? '';
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const request = appRequest(browser, '/api/notes', { method, headers: { 'x-csrf-token': token } });
        assert.equal((await session.guard(request)).outcome, 'allow', method);
      }
      assert.equal(await session.checkCsrf(post(browser), token), true, 'proof passed explicitly');
    });

    it('an unauthenticated POST is 401, not 403', async () => {
      assert.equal(
        (await session.guard(new Request(`${APP}/api/notes`, { method: 'POST' }))).outcome,
        'unauthenticated',
      );
    });

    it('re-issues a lost CSRF cookie on the next authenticated request', async () => {
      const { browser } = await signedIn();
      const token = browser.cookies.get(CSRF);
      browser.cookies.delete(CSRF);
      const result = await session.authenticate(appRequest(browser, '/'));
      assert.ok(result.ok);
      assert.ok(result.setCookies.some((c) => c.startsWith(`${CSRF}=${token};`)));
    });
  });

  it('checks scopes and roles after authentication', async () => {
    const { browser } = await signedIn();
    assert.equal(
      (await session.guard(appRequest(browser, '/'), { scopes: ['notes:read'] })).outcome,
      'allow',
    );
    assert.equal((await session.guard(appRequest(browser, '/'), { roles: ['member'] })).outcome, 'allow');
    assert.equal(
      (await session.guard(appRequest(browser, '/'), { roles: ['admin'] })).outcome,
      'insufficient',
    );
    assert.equal(
      (await session.guard(appRequest(browser, '/'), { scopes: ['notes:write'] })).outcome,
      'insufficient',
    );
  });

  describe('logout', () => {
    it('405 for GET, 403 without a CSRF proof', async () => {
      const { browser } = await signedIn();
      assert.equal((await browser.request('/auth/logout')).status, 405);
      const res = await browser.request('/auth/logout', { method: 'POST' });
      assert.equal(res.status, 403);
      assert.ok(browser.cookies.has(SESSION), 'still signed in');
    });

    it('revokes the tokens, clears the cookies and ends the Gatehouse session via end_session', async () => {
      const { cookie: ghCookie } = await signedInBrowser(server, 'cookie-logout@example.com');
      const browser = new Browser(coreSend(session), APP);
      await signIn(browser, server, ghCookie);
      const tokens = await openSessionCookie(browser.cookies.get(SESSION));
      assert.ok(tokens.rt && tokens.it);
      assert.equal(await isActive(server, tokens.rt), true);

      const res = await browser.request('/auth/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': browser.cookies.get(CSRF) ?? '' },
      });
      assert.equal(res.status, 303);
      assert.ok(!browser.cookies.has(SESSION) && !browser.cookies.has(CSRF), 'cookies cleared');
      const endSession = new URL(res.headers.get('location') ?? '');
      assert.equal(`${endSession.origin}${endSession.pathname}`, `${server.url}/oauth/logout`);
      assert.equal(endSession.searchParams.get('id_token_hint'), tokens.it);
      assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${APP}/`);
      assert.equal(await isActive(server, tokens.rt), false, 'refresh token revoked');
      assert.equal(await isActive(server, tokens.at), false, 'access token revoked');

      const atIssuer = await fetch(endSession, { redirect: 'manual', headers: { cookie: ghCookie } });
      assert.equal(atIssuer.status, 302);
      assert.equal(atIssuer.headers.get('location'), `${APP}/`);
      assert.match(atIssuer.headers.getSetCookie().join(), /__Host-gatehouse_session=;/);
    });

    it('without a session just clears cookies and goes home', async () => {
      const res = await session.logout(new Request(`${APP}/auth/logout`, { method: 'POST' }));
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${APP}/`);
    });

    it('accepts the CSRF token as a urlencoded csrf_token form field', async () => {
      const { browser } = await signedIn();
      const res = await browser.request('/auth/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf_token: browser.cookies.get(CSRF) ?? '' }),
      });
      assert.equal(res.status, 303);
      assert.ok(!browser.cookies.has(SESSION));
    });
  });
});

describe('cookie mode refresh against a live Gatehouse with 2-second access tokens', () => {
  let server: TestServer;
  let session: CookieSession;
  let gatehouseCookie: string;

  before(async () => {
    server = await startTestServer({ config: cookieModeConfig([APP], { access_ttl: 2 }) });
    session = sessionFor(server);
    ({ cookie: gatehouseCookie } = await signedInBrowser(server, 'cookie-refresh@example.com'));
  });
  after(() => server.close());

  const signedIn = async () => {
    const browser = new Browser(coreSend(session), APP);
    await signIn(browser, server, gatehouseCookie);
    return browser;
  };
  /** With a 2 s token, refresh is due after 1 s (at most half the lifetime early). */
  const untilRefreshDue = () => sleep(1_200);

  it('refreshes an expiring access token transparently and rotates the refresh token', async () => {
    const browser = await signedIn();
    const before = await openSessionCookie(browser.cookies.get(SESSION));
    await untilRefreshDue();
    const token = browser.cookies.get(CSRF) ?? '';
    const decision = await session.guard(post(browser, { 'x-csrf-token': token }));
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.outcome === 'allow');
    const rewritten = decision.setCookies.find((c) => c.startsWith(`${SESSION}=`));
    assert.ok(rewritten, 'the session cookie is rewritten');
    assert.match(rewritten, /HttpOnly; Secure; SameSite=Lax/);
    browser.store(new Response(null, { headers: decision.setCookies.map((c) => ['set-cookie', c]) }));
    const afterRefresh = await openSessionCookie(browser.cookies.get(SESSION));

    assert.notEqual(afterRefresh.at, before.at, 'new access token');
    assert.notEqual(afterRefresh.rt, before.rt, 'refresh token rotated');
    assert.equal(decision.session.accessToken, afterRefresh.at);
    assert.equal(afterRefresh.sid, before.sid, 'same session: the CSRF token stays valid');
    assert.equal(browser.cookies.get(CSRF), token);
    assert.equal(await isActive(server, before.rt ?? ''), false, 'the old refresh token is spent');
    assert.equal(await isActive(server, afterRefresh.rt ?? ''), true);
    // (Not asserting "no further refresh" here: with 2 s tokens the next one may already be due.)
    assert.ok((await session.authenticate(appRequest(browser, '/'))).ok);
  });

  it('parallel requests with the same expiring cookie share one refresh (no reuse, no sign-out)', async () => {
    const browser = await signedIn();
    await untilRefreshDue();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => session.authenticate(appRequest(browser, '/'))),
    );
    const tokens = new Set(results.map((r) => (r.ok ? r.accessToken : 'failed')));
    assert.equal(tokens.size, 1, 'every request got the same new token');
    assert.ok(!tokens.has('failed'));
    browser.store(
      new Response(null, { headers: (results[0]?.setCookies ?? []).map((c) => ['set-cookie', c]) }),
    );
    const current = await openSessionCookie(browser.cookies.get(SESSION));
    assert.equal(await isActive(server, current.rt ?? ''), true, 'the family was not revoked as reused');
  });

  it('clears the session (401) when the refresh token was revoked', async () => {
    const browser = await signedIn();
    const tokens = await openSessionCookie(browser.cookies.get(SESSION));
    await revoke(server, tokens.rt ?? '');
    await untilRefreshDue();
    const decision = await session.guard(appRequest(browser, '/api/me'));
    assert.equal(decision.outcome, 'unauthenticated');
    const cleared = decision.setCookies;
    assert.ok(
      cleared.some((c) => c.startsWith(`${SESSION}=;`) && /Max-Age=0/.test(c)),
      'session cleared',
    );
    assert.ok(
      cleared.some((c) => c.startsWith(`${CSRF}=;`) && /Max-Age=0/.test(c)),
      'CSRF cookie cleared',
    );
  });

  it('a spent refresh token replayed later ends the session (reuse detection at Gatehouse)', async () => {
    const browser = await signedIn();
    const oldCookie = browser.cookies.get(SESSION) ?? '';
    await untilRefreshDue();
    const first = await session.authenticate(appRequest(browser, '/'));
    assert.ok(first.ok && first.setCookies.length > 0);
    // A second process (no shared refresh cache) sees the old cookie: the refresh token is spent.
    const elsewhere = sessionFor(server);
    const replay = await elsewhere.authenticate(
      new Request(`${APP}/`, { headers: { cookie: `${SESSION}=${oldCookie}` } }),
    );
    assert.equal(replay.ok, false);
    assert.equal(!replay.ok && replay.reason, 'ended');
  });
});

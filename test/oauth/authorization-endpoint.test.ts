/**
 * The authorization endpoint's negative cases (contract §4, RFC 6749 §4.1.2.1, RFC 9700 §2.1 and
 * §4.1): an untrusted client or redirect URI gets an HTML page and never a redirect, because a
 * redirect to an unverified address is an open redirector that can leak codes. Everything else
 * goes back to the client with an RFC 6749 error, `state` and RFC 9207 `iss`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { startBrowserSession } from '../../src/core/sessions/browser-session.ts';
import { PENDING_REQUEST_TTL_MS } from '../../src/oauth/pending-request.ts';
import { matchesRedirectUri } from '../../src/oauth/redirect-uri.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, oauthConfig, SESSION_COOKIE, signedInBrowser, WEB_SECRET } from './fixtures.ts';

const WEB_REDIRECT = 'https://app.example.com/callback';
const THIRD_REDIRECT = 'https://third.example.org/cb';

function challenge(): string {
  return createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
}

describe('authorization endpoint: redirect URIs, errors, prompts and the sign-in flow', () => {
  let server: TestServer;
  let cookie: string;
  let userId: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));

  before(async () => {
    server = await startTestServer({ config: oauthConfig, overrides: { clock } });
    ({ cookie, userId } = await signedInBrowser(server, 'authz@example.com'));
    // Every request below starts strictly after the session's authentication.
    clock.advance(1000);
  });
  after(() => server.close());

  function url(params: Record<string, string>): URL {
    const target = new URL('/oauth/authorize', server.url);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    return target;
  }
  const web = (extra: Record<string, string> = {}) =>
    url({ client_id: 'web', redirect_uri: WEB_REDIRECT, response_type: 'code', scope: 'openid', ...extra });
  const spa = (redirectUri: string, extra: Record<string, string> = {}) =>
    url({
      client_id: 'spa',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: challenge(),
      code_challenge_method: 'S256',
      ...extra,
    });
  const third = (extra: Record<string, string> = {}) =>
    url({
      client_id: 'third',
      redirect_uri: THIRD_REDIRECT,
      response_type: 'code',
      scope: 'openid email',
      ...extra,
    });

  const get = (target: URL | string, withCookie?: string) =>
    fetch(target, { redirect: 'manual', headers: withCookie ? { cookie: withCookie } : {} });

  /** The page shown instead of redirecting: 400, HTML, and no Location whatsoever. */
  async function expectErrorPage(response: Response, why: string): Promise<void> {
    assert.equal(response.status, 400, `${why}: status`);
    assert.equal(response.headers.get('location'), null, `${why}: must not redirect`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/, why);
    await response.text();
  }

  /** An error redirect back to the registered URI, with state and iss. */
  function expectErrorRedirect(response: Response, error: string, state: string | null, base = WEB_REDIRECT) {
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, base);
    assert.equal(location.searchParams.get('error'), error);
    assert.equal(location.searchParams.get('state'), state);
    assert.equal(location.searchParams.get('iss'), server.url);
    assert.equal(location.searchParams.get('code'), null);
    return location;
  }

  function codeOf(response: Response, base = WEB_REDIRECT): string {
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, base);
    assert.equal(location.searchParams.get('error'), null, location.search);
    assert.equal(location.searchParams.get('iss'), server.url);
    const code = location.searchParams.get('code');
    assert.ok(code);
    return code;
  }

  /** The hosted page Gatehouse sends the browser to, and the pending-request handle it carries. */
  function internalPage(response: Response, path: string): { handle: string; location: URL } {
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '', server.url);
    assert.equal(location.origin, server.url);
    assert.equal(location.pathname, path);
    const handle = location.searchParams.get('request');
    assert.ok(handle);
    return { handle, location };
  }

  const continueUrl = (handle: string, extra = '') =>
    `${server.url}/oauth/authorize/continue?request=${encodeURIComponent(handle)}${extra}`;

  describe('redirect URI: exact match, or an error page and never a redirect (RFC 9700 §4.1.3)', () => {
    it('accepts the registered URI exactly', async () => {
      codeOf(await authorize(server, web({ state: 'ok' }), cookie));
    });

    const variants: [string, string][] = [
      ['trailing slash', 'https://app.example.com/callback/'],
      ['extra query', 'https://app.example.com/callback?next=https://evil.example'],
      ['empty query', 'https://app.example.com/callback?'],
      ['different case in path', 'https://app.example.com/Callback'],
      ['different case in host', 'https://APP.example.com/callback'],
      ['http scheme', 'http://app.example.com/callback'],
      ['explicit default port', 'https://app.example.com:443/callback'],
      ['other port', 'https://app.example.com:8443/callback'],
      ['fragment', 'https://app.example.com/callback#frag'],
      ['userinfo', 'https://evil@app.example.com/callback'],
      ['userinfo pointing elsewhere', 'https://app.example.com@evil.example/callback'],
      ['path traversal', 'https://app.example.com/callback/../callback'],
      ['encoded path traversal', 'https://app.example.com/callback/%2e%2e/callback'],
      ['subdomain', 'https://evil.app.example.com/callback'],
      ['suffix host', 'https://app.example.com.evil.example/callback'],
      ['another client’s URI', THIRD_REDIRECT],
    ];
    for (const [name, redirectUri] of variants) {
      it(`refuses ${name} (${redirectUri}) with a page, even with a session`, async () => {
        await expectErrorPage(await get(web({ redirect_uri: redirectUri, state: 's' }), cookie), name);
      });
    }

    it('refuses a missing redirect_uri with a page', async () => {
      const target = web();
      target.searchParams.delete('redirect_uri');
      await expectErrorPage(await get(target, cookie), 'missing redirect_uri');
    });

    it('answers an unknown or missing client_id with a page, whatever else is wrong', async () => {
      await expectErrorPage(await get(web({ client_id: 'nobody' }), cookie), 'unknown client');
      await expectErrorPage(
        await get(web({ client_id: 'nobody', response_type: 'token' }), cookie),
        'unknown client, bad response_type',
      );
      const target = web();
      target.searchParams.delete('client_id');
      await expectErrorPage(await get(target, cookie), 'missing client_id');
      // m2m has no redirect URIs at all
      await expectErrorPage(await get(web({ client_id: 'm2m' }), cookie), 'client without redirect URIs');
    });

    it('refuses a repeated parameter with a page (which copy wins would be a parser accident)', async () => {
      const target = web();
      target.searchParams.append('redirect_uri', 'https://evil.example/cb');
      await expectErrorPage(await get(target, cookie), 'repeated redirect_uri');
    });

    it('matches a loopback IP redirect on any port for the spa client (RFC 8252 §7.3)', async () => {
      for (const port of ['51234', '8080', '1']) {
        const redirectUri = `http://127.0.0.1:${port}/callback`;
        codeOf(await authorize(server, spa(redirectUri), cookie), redirectUri);
      }
    });

    it('does not extend the any-port rule to localhost, other paths or other hosts', async () => {
      for (const redirectUri of [
        'http://localhost:51234/callback',
        'http://localhost/callback',
        'http://127.0.0.1:51234/callback/',
        'http://127.0.0.1:51234/other',
        'http://127.0.0.2:51234/callback',
        'https://127.0.0.1:51234/callback',
        'http://127.0.0.1:51234@evil.example/callback',
        'http://127.0.0.1:51234/callback?x=1',
        'http://[::1]:51234/callback',
      ]) {
        await expectErrorPage(await get(spa(redirectUri), cookie), redirectUri);
      }
    });

    it('a registered localhost URI gets no any-port leniency either (RFC 8252 §8.3)', () => {
      // No fixture client registers localhost, so the matcher is checked directly here.
      assert.equal(
        matchesRedirectUri(['http://localhost/callback'], 'http://localhost:51234/callback'),
        false,
      );
      assert.equal(
        matchesRedirectUri(['http://localhost:3000/callback'], 'http://localhost:3001/callback'),
        false,
      );
      assert.equal(matchesRedirectUri(['http://[::1]/callback'], 'http://[::1]:51234/callback'), true);
    });

    it('applies the same checks to the form POST variant', async () => {
      const body = new URLSearchParams({
        client_id: 'web',
        redirect_uri: 'https://app.example.com/callback/',
        response_type: 'code',
      });
      const response = await fetch(`${server.url}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      });
      await expectErrorPage(response, 'POST with a bad redirect_uri');
      body.set('redirect_uri', WEB_REDIRECT);
      body.set('state', 'posted');
      const ok = await fetch(`${server.url}/oauth/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      });
      assert.equal(ok.status, 303);
      const location = new URL(ok.headers.get('location') ?? '');
      assert.ok(location.searchParams.get('code'));
      assert.equal(location.searchParams.get('state'), 'posted');
    });
  });

  describe('errors that go back to the client with an RFC 6749 code, state and iss', () => {
    it('response_type=token → unsupported_response_type (no implicit flow)', async () => {
      expectErrorRedirect(
        await get(web({ response_type: 'token', state: 'a' }), cookie),
        'unsupported_response_type',
        'a',
      );
      expectErrorRedirect(
        await get(web({ response_type: 'code id_token', state: 'a2' }), cookie),
        'unsupported_response_type',
        'a2',
      );
    });

    it('a public client without PKCE → invalid_request', async () => {
      const target = spa('https://spa.example.com/cb', { state: 'b' });
      target.searchParams.delete('code_challenge');
      target.searchParams.delete('code_challenge_method');
      expectErrorRedirect(await get(target, cookie), 'invalid_request', 'b', 'https://spa.example.com/cb');
    });

    it('code_challenge_method=plain or no method → invalid_request (RFC 9700 §2.1.1)', async () => {
      expectErrorRedirect(
        await get(web({ code_challenge: challenge(), code_challenge_method: 'plain', state: 'c' }), cookie),
        'invalid_request',
        'c',
      );
      expectErrorRedirect(
        await get(web({ code_challenge: challenge(), state: 'c2' }), cookie),
        'invalid_request',
        'c2',
      );
      expectErrorRedirect(
        await get(web({ code_challenge_method: 'S256', state: 'c3' }), cookie),
        'invalid_request',
        'c3',
      );
      expectErrorRedirect(
        await get(web({ code_challenge: 'too-short', code_challenge_method: 'S256', state: 'c4' }), cookie),
        'invalid_request',
        'c4',
      );
    });

    it('an unknown prompt value, or none combined with another → invalid_request', async () => {
      expectErrorRedirect(await get(web({ prompt: 'bogus', state: 'd' }), cookie), 'invalid_request', 'd');
      expectErrorRedirect(
        await get(web({ prompt: 'none login', state: 'd2' }), cookie),
        'invalid_request',
        'd2',
      );
      expectErrorRedirect(await get(web({ max_age: '-1', state: 'd3' }), cookie), 'invalid_request', 'd3');
    });

    it('prompt=none without a session → login_required', async () => {
      expectErrorRedirect(await get(web({ prompt: 'none', state: 'e' })), 'login_required', 'e');
    });

    it('prompt=none for the third-party client with a session but no consent → consent_required', async () => {
      expectErrorRedirect(
        await authorize(server, third({ prompt: 'none', state: 'f' }), cookie),
        'consent_required',
        'f',
        THIRD_REDIRECT,
      );
    });

    it('request= and request_uri= → request_not_supported / request_uri_not_supported', async () => {
      expectErrorRedirect(
        await get(web({ request: 'eyJhbGciOiJub25lIn0.e30.', state: 'g' }), cookie),
        'request_not_supported',
        'g',
      );
      expectErrorRedirect(
        await get(web({ request_uri: 'https://evil.example/request.jwt', state: 'g2' }), cookie),
        'request_uri_not_supported',
        'g2',
      );
    });

    it('scopes the client may not ask for, or an unknown identity provider → invalid_scope / invalid_request', async () => {
      expectErrorRedirect(
        await get(third({ scope: 'admin:users', state: 'o' }), cookie),
        'invalid_scope',
        'o',
        THIRD_REDIRECT,
      );
      expectErrorRedirect(
        await get(web({ identity_provider: 'evil', state: 'o2' }), cookie),
        'invalid_request',
        'o2',
      );
      expectErrorRedirect(
        await get(web({ response_mode: 'fragment', state: 'o3' }), cookie),
        'invalid_request',
        'o3',
      );
    });

    it('an id_token_hint that is not ours → invalid_request; one for another user → sign in (login_required when silent)', async () => {
      expectErrorRedirect(
        await get(web({ id_token_hint: 'a.b.c', state: 'p' }), cookie),
        'invalid_request',
        'p',
      );
      const other = await signedInBrowser(server, 'hinted@example.com');
      const issued = new URL((await authorize(server, web(), other.cookie)).headers.get('location') ?? '');
      const tokens = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`web:${WEB_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: issued.searchParams.get('code') ?? '',
          redirect_uri: WEB_REDIRECT,
        }),
      });
      const { id_token } = (await tokens.json()) as { id_token: string };
      expectErrorRedirect(
        await get(web({ id_token_hint: id_token, prompt: 'none', state: 'p2' }), cookie),
        'login_required',
        'p2',
      );
      internalPage(await get(web({ id_token_hint: id_token }), cookie), '/login');
      // The hinted user's own browser gets the code.
      codeOf(await authorize(server, web({ id_token_hint: id_token, prompt: 'none' }), other.cookie));
    });

    it('omits state when the client sent none, but still sends iss', async () => {
      expectErrorRedirect(
        await get(web({ response_type: 'token' }), cookie),
        'unsupported_response_type',
        null,
      );
    });
  });

  describe('the flow: sign-in, sign-up, re-authentication, consent', () => {
    it('without a session sends the browser to /login with the request handle and login_hint', async () => {
      const response = await get(web({ login_hint: 'someone@example.com', state: 'h' }));
      const { location } = internalPage(response, '/login');
      assert.equal(location.searchParams.get('login_hint'), 'someone@example.com');
      // The client's parameters stay server-side: only the handle travels.
      assert.equal(location.searchParams.get('state'), null);
      assert.equal(location.searchParams.get('redirect_uri'), null);
    });

    it('prompt=create sends the browser to /signup', async () => {
      internalPage(await get(web({ prompt: 'create' })), '/signup');
      internalPage(await get(web({ prompt: 'create' }), cookie), '/signup');
    });

    it('prompt=login with an older session asks to sign in again; a fresh sign-in then gets the code', async () => {
      const { handle } = internalPage(await get(web({ prompt: 'login', state: 'i' }), cookie), '/login');
      // The old session continuing the request is still not enough.
      internalPage(await get(continueUrl(handle), cookie), '/login');
      // Sign in again (what the login page does), then continue: the code comes back.
      clock.advance(1000);
      const { cookieValue } = await startBrowserSession(server.core, { userId, amr: ['pwd'] });
      const fresh = `${SESSION_COOKIE}=${cookieValue}`;
      const response = await get(continueUrl(handle), fresh);
      codeOf(response);
      assert.equal(new URL(response.headers.get('location') ?? '').searchParams.get('state'), 'i');
    });

    it('max_age=0 and a max_age the session is older than ask to sign in again', async () => {
      clock.advance(1000);
      internalPage(await get(web({ max_age: '0' }), cookie), '/login');
      clock.advance(120_000);
      internalPage(await get(web({ max_age: '60' }), cookie), '/login');
      // A max_age the session satisfies issues the code.
      codeOf(await authorize(server, web({ max_age: '86400' }), cookie));
      // prompt=none with a too-old session is login_required, not a page.
      expectErrorRedirect(
        await get(web({ max_age: '0', prompt: 'none', state: 'j' }), cookie),
        'login_required',
        'j',
      );
    });

    it('the third-party client with a session goes to /consent; after consent, continue issues a code', async () => {
      const { cookie: own, userId: ownId } = await signedInBrowser(server, 'consent@example.com');
      const { handle } = internalPage(await get(third({ state: 'k' }), own), '/consent');
      // Continuing without consent is not a way around the consent page.
      internalPage(await get(continueUrl(handle), own), '/consent');
      await server.core.store.putConsent(ownId, 'third', ['openid', 'email'], clock.now());
      const response = await get(continueUrl(handle), own);
      codeOf(response, THIRD_REDIRECT);
      assert.equal(new URL(response.headers.get('location') ?? '').searchParams.get('state'), 'k');
    });

    it('consent for fewer scopes than requested is not enough', async () => {
      const { cookie: own, userId: ownId } = await signedInBrowser(server, 'narrow@example.com');
      await server.core.store.putConsent(ownId, 'third', ['openid'], clock.now());
      internalPage(await get(third(), own), '/consent');
      expectErrorRedirect(
        await get(third({ prompt: 'none', state: 'l' }), own),
        'consent_required',
        'l',
        THIRD_REDIRECT,
      );
    });

    it('continue with denied=1 → access_denied back to the client, and the handle is spent', async () => {
      const { cookie: own } = await signedInBrowser(server, 'denier@example.com');
      const { handle } = internalPage(await get(third({ state: 'm' }), own), '/consent');
      expectErrorRedirect(
        await get(continueUrl(handle, '&denied=1'), own),
        'access_denied',
        'm',
        THIRD_REDIRECT,
      );
      await expectErrorPage(await get(continueUrl(handle), own), 'handle after denial');
    });

    it('a pending request cannot be continued twice into two codes, even by two racing continues', async () => {
      const { cookie: own, userId: ownId } = await signedInBrowser(server, 'twice@example.com');
      const { handle } = internalPage(await get(third()), '/login');
      await server.core.store.putConsent(ownId, 'third', ['openid', 'email'], clock.now());
      // SQLite answers synchronously, so two requests in this process would never interleave on
      // their own. Delaying the handle lookup makes both continues load the still-unspent request
      // before either spends it: only the spending write may decide which one gets a code.
      const store = server.core.store;
      const getOneTime = store.getOneTime;
      store.getOneTime = async (...args) => {
        const record = await getOneTime.apply(store, args);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return record;
      };
      let responses: Response[];
      try {
        responses = await Promise.all([get(continueUrl(handle), own), get(continueUrl(handle), own)]);
      } finally {
        store.getOneTime = getOneTime;
      }
      const redirected = responses.filter((r) => r.status === 302);
      assert.equal(redirected.length, 1, 'exactly one of two simultaneous continues gets a code');
      codeOf(redirected[0] as Response, THIRD_REDIRECT);
      await expectErrorPage(responses.find((r) => r.status !== 302) as Response, 'racing second continue');
      await expectErrorPage(await get(continueUrl(handle), own), 'third continue');
    });

    it('an unknown, malformed or expired handle gets an error page, never a redirect', async () => {
      await expectErrorPage(await get(continueUrl('A'.repeat(43)), cookie), 'unknown handle');
      await expectErrorPage(await get(continueUrl('../../etc'), cookie), 'malformed handle');
      await expectErrorPage(await get(`${server.url}/oauth/authorize/continue`, cookie), 'no handle');
      const { handle } = internalPage(await get(web({ state: 'n' })), '/login');
      clock.advance(PENDING_REQUEST_TTL_MS + 1);
      await expectErrorPage(await get(continueUrl(handle), cookie), 'expired handle');
      await expectErrorPage(await get(continueUrl(handle, '&denied=1'), cookie), 'expired handle, denied');
    });
  });
});

/**
 * Introspection (RFC 7662), revocation (RFC 7009), userinfo (OIDC Core §5.3, RFC 6750),
 * RP-initiated logout and discovery, on their negative paths (contract §4): callers that don't
 * authenticate learn nothing, one client can't read or kill another's tokens, a logout request
 * can't be turned into an open redirect or sign out the wrong person, and discovery lists only
 * endpoints that exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, M2M_SECRET, oauthConfig, signedInBrowser, THIRD_SECRET, WEB_SECRET } from './fixtures.ts';

const WEB_REDIRECT = 'https://app.example.com/callback';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
const WEB_AUTH = { authorization: basic('web', WEB_SECRET) };
const THIRD_AUTH = { authorization: basic('third', THIRD_SECRET) };

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

describe('introspection, revocation, userinfo, logout and discovery', () => {
  let server: TestServer;
  let cookie: string;
  let userId: string;

  before(async () => {
    server = await startTestServer({ config: oauthConfig });
    ({ cookie, userId } = await signedInBrowser(server, 'endpoints@example.com'));
  });
  after(() => server.close());

  function form(path: string, body: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body),
    });
  }

  /** Tokens for the `web` client through the real authorization and token endpoints. */
  async function webTokens(scope = 'openid email offline_access', as = cookie): Promise<Tokens> {
    const target = new URL('/oauth/authorize', server.url);
    target.search = new URLSearchParams({
      client_id: 'web',
      redirect_uri: WEB_REDIRECT,
      response_type: 'code',
      scope,
    }).toString();
    const redirect = await authorize(server, target, as);
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
    assert.ok(code, `no code: ${redirect.headers.get('location')}`);
    const response = await form(
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT },
      WEB_AUTH,
    );
    assert.equal(response.status, 200);
    return (await response.json()) as Tokens;
  }

  async function introspect(token: string, headers: Record<string, string> = WEB_AUTH) {
    const response = await form('/oauth/introspect', { token }, headers);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return (await response.json()) as { active: boolean; [claim: string]: unknown };
  }

  async function expectInvalidClient(response: Response): Promise<void> {
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  }

  describe('introspection (RFC 7662)', () => {
    it('without client authentication → 401 invalid_client, and nothing about the token', async () => {
      const { access_token } = await webTokens();
      await expectInvalidClient(await form('/oauth/introspect', { token: access_token }));
      await expectInvalidClient(
        await form('/oauth/introspect', { token: access_token }, { authorization: basic('web', 'wrong') }),
      );
      await expectInvalidClient(
        await form('/oauth/introspect', { token: access_token, client_id: 'web', client_secret: WEB_SECRET }),
      );
    });

    it('a public client (client_id alone, no secret) is not authentication: 401 invalid_client', async () => {
      // Otherwise anyone could claim to be `spa` and scan tokens for the user's claims (RFC 7662 §4).
      const { access_token } = await webTokens();
      await expectInvalidClient(await form('/oauth/introspect', { token: access_token, client_id: 'spa' }));
    });

    it('garbage, empty-looking and foreign-signed tokens are {active:false}', async () => {
      const unsigned = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ iss: server.url, sub: userId, client_id: 'web', exp: 4e9 }),
      ).toString('base64url')}.`;
      for (const token of ['garbage', 'ghr_garbage', 'a.b.c', unsigned, 'x'.repeat(4000)]) {
        assert.deepEqual(await introspect(token), { active: false }, token.slice(0, 20));
      }
    });

    it('an ID token is not an access token: inactive', async () => {
      const { id_token } = await webTokens();
      assert.deepEqual(await introspect(id_token ?? ''), { active: false });
    });

    it('a refresh token is described only to its own client', async () => {
      const { refresh_token } = await webTokens();
      assert.ok(refresh_token);
      assert.equal((await introspect(refresh_token)).active, true);
      assert.deepEqual(await introspect(refresh_token, THIRD_AUTH), { active: false });
      // A resource server (m2m) may introspect access tokens, but not another client's refresh token.
      const byM2m = await form('/oauth/introspect', {
        token: refresh_token,
        client_id: 'm2m',
        client_secret: M2M_SECRET,
      });
      assert.equal(byM2m.status, 200);
      assert.deepEqual(await byM2m.json(), { active: false });
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('needs client authentication', async () => {
      const { refresh_token } = await webTokens();
      await expectInvalidClient(await form('/oauth/revoke', { token: refresh_token ?? '' }));
      assert.equal((await introspect(refresh_token ?? '')).active, true);
    });

    it('answers 200 for unknown tokens', async () => {
      for (const token of ['unknown', 'ghr_unknown', 'a.b.c']) {
        const response = await form('/oauth/revoke', { token }, WEB_AUTH);
        assert.equal(response.status, 200);
        await response.text();
      }
    });

    it('answers 200 for another client’s tokens, which stay valid', async () => {
      const tokens = await webTokens();
      for (const token of [tokens.access_token, tokens.refresh_token ?? '']) {
        const byThird = await form('/oauth/revoke', { token }, THIRD_AUTH);
        assert.equal(byThird.status, 200);
        await byThird.text();
        const bySpa = await form('/oauth/revoke', { token, client_id: 'spa' });
        assert.equal(bySpa.status, 200);
        await bySpa.text();
      }
      assert.equal((await introspect(tokens.access_token)).active, true);
      assert.equal((await introspect(tokens.refresh_token ?? '')).active, true);
      const info = await fetch(`${server.url}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(info.status, 200);
      await info.json();
      const refreshed = await form(
        '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' },
        WEB_AUTH,
      );
      assert.equal(refreshed.status, 200, 'the refresh token still works for its own client');
      await refreshed.json();
    });

    it('its own client revoking an access token makes it inactive', async () => {
      const { access_token } = await webTokens();
      const response = await form(
        '/oauth/revoke',
        { token: access_token, token_type_hint: 'access_token' },
        WEB_AUTH,
      );
      assert.equal(response.status, 200);
      await response.text();
      assert.deepEqual(await introspect(access_token), { active: false });
    });
  });

  describe('userinfo (OIDC Core §5.3, RFC 6750 §3)', () => {
    const userinfo = (headers: Record<string, string> = {}) =>
      fetch(`${server.url}/oauth/userinfo`, { headers });

    it('without a token → 401 with WWW-Authenticate: Bearer', async () => {
      const response = await userinfo();
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      await response.text();
      const post = await fetch(`${server.url}/oauth/userinfo`, { method: 'POST' });
      assert.equal(post.status, 401);
      assert.match(post.headers.get('www-authenticate') ?? '', /^Bearer/);
      await post.text();
    });

    it('a garbage token → 401 error="invalid_token"', async () => {
      for (const authorization of ['Bearer garbage', 'Bearer a.b.c', 'Basic d2ViOng=']) {
        const response = await userinfo({ authorization });
        assert.equal(response.status, 401, authorization);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
        await response.text();
      }
      const response = await userinfo({ authorization: 'Bearer garbage' });
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await response.text();
    });

    it('a token without the openid scope → 403 insufficient_scope', async () => {
      const { access_token } = await webTokens('email');
      const response = await userinfo({ authorization: `Bearer ${access_token}` });
      assert.equal(response.status, 403);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      await response.text();
    });

    it('POST with the token as form access_token works (RFC 6750 §2.2)', async () => {
      const { access_token } = await webTokens();
      const response = await form('/oauth/userinfo', { access_token });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { sub: string; email: string };
      assert.equal(body.sub, userId);
      assert.equal(body.email, 'endpoints@example.com');
    });

    it('an ID token used as an access token → 401', async () => {
      const { id_token } = await webTokens();
      const response = await userinfo({ authorization: `Bearer ${id_token}` });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await response.text();
    });

    it('a client_credentials token (no user behind it) → 401', async () => {
      const issued = await form('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: 'm2m',
        client_secret: M2M_SECRET,
      });
      const { access_token } = (await issued.json()) as Tokens;
      const response = await userinfo({ authorization: `Bearer ${access_token}` });
      assert.equal(response.status, 401);
      await response.text();
    });
  });

  describe('RP-initiated logout', () => {
    const logout = (params: Record<string, string>, withCookie?: string) =>
      fetch(`${server.url}/oauth/logout?${new URLSearchParams(params)}`, {
        redirect: 'manual',
        headers: withCookie ? { cookie: withCookie } : {},
      });

    /** Whether a browser cookie still carries a live session: prompt=none either gets a code or not. */
    async function signedIn(browserCookie: string): Promise<boolean> {
      const target = new URL('/oauth/authorize', server.url);
      target.search = new URLSearchParams({
        client_id: 'web',
        redirect_uri: WEB_REDIRECT,
        response_type: 'code',
        scope: 'openid',
        prompt: 'none',
      }).toString();
      const response = await authorize(server, target, browserCookie);
      return new URL(response.headers.get('location') ?? '').searchParams.has('code');
    }

    async function expectPage(response: Response, status: number): Promise<void> {
      assert.equal(response.status, status);
      assert.equal(response.headers.get('location'), null, 'no redirect');
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      await response.text();
    }

    it('a bad id_token_hint → 400 page, and the browser stays signed in', async () => {
      const { access_token } = await webTokens();
      for (const hint of ['garbage', 'a.b.c', access_token]) {
        await expectPage(
          await logout({ id_token_hint: hint, post_logout_redirect_uri: 'https://app.example.com/' }, cookie),
          400,
        );
      }
      assert.equal(await signedIn(cookie), true);
    });

    it('an unregistered post_logout_redirect_uri → 400 page, no redirect', async () => {
      const { id_token } = await webTokens();
      for (const uri of [
        'https://evil.example/',
        'https://app.example.com',
        'https://app.example.com/?x=1',
        'https://app.example.com/callback',
      ]) {
        await expectPage(await logout({ id_token_hint: id_token ?? '', post_logout_redirect_uri: uri }), 400);
      }
      // Without a hint or client_id there is no client to have registered it.
      await expectPage(await logout({ post_logout_redirect_uri: 'https://app.example.com/' }), 400);
      // A client_id that contradicts the hint.
      await expectPage(
        await logout({
          id_token_hint: id_token ?? '',
          client_id: 'third',
          post_logout_redirect_uri: 'https://app.example.com/',
        }),
        400,
      );
    });

    it('without a hint, the browser is not signed out silently (cross-site logout)', async () => {
      const response = await logout({}, cookie);
      assert.doesNotMatch(response.headers.get('set-cookie') ?? '', /__Host-gatehouse_session=;/);
      await response.text();
      assert.equal(await signedIn(cookie), true);
    });

    it('a hint for another user ends that user’s token session but does not sign this browser out', async () => {
      const other = await signedInBrowser(server, 'other-user@example.com');
      const otherTokens = await webTokens('openid offline_access', other.cookie);
      const response = await logout(
        {
          id_token_hint: otherTokens.id_token ?? '',
          post_logout_redirect_uri: 'https://app.example.com/',
          state: 'xyz',
        },
        cookie,
      );
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), 'https://app.example.com/?state=xyz');
      assert.doesNotMatch(response.headers.get('set-cookie') ?? '', /__Host-gatehouse_session=;/);
      assert.equal(await signedIn(cookie), true, 'this browser’s user is still signed in');
      assert.deepEqual(await introspect(otherTokens.refresh_token ?? ''), { active: false });
    });

    it('a valid hint for this browser’s user signs it out and echoes state', async () => {
      const own = await signedInBrowser(server, 'leaver@example.com');
      const tokens = await webTokens('openid offline_access', own.cookie);
      const response = await logout(
        {
          id_token_hint: tokens.id_token ?? '',
          post_logout_redirect_uri: 'https://app.example.com/',
          state: 'bye now',
        },
        own.cookie,
      );
      assert.equal(response.status, 302);
      assert.equal(new URL(response.headers.get('location') ?? '').searchParams.get('state'), 'bye now');
      assert.match(response.headers.get('set-cookie') ?? '', /__Host-gatehouse_session=;/);
      assert.equal(await signedIn(own.cookie), false);
      assert.deepEqual(await introspect(tokens.access_token), { active: false });
    });
  });

  describe('discovery (RFC 8414, OIDC Discovery)', () => {
    const EXPECTED_ENDPOINTS = {
      authorization_endpoint: '/oauth/authorize',
      token_endpoint: '/oauth/token',
      userinfo_endpoint: '/oauth/userinfo',
      revocation_endpoint: '/oauth/revoke',
      introspection_endpoint: '/oauth/introspect',
      end_session_endpoint: '/oauth/logout',
      jwks_uri: '/.well-known/jwks.json',
    };
    /** How each endpoint is called: the token-style endpoints take POST only. */
    const METHOD: Record<string, string> = {
      token_endpoint: 'POST',
      revocation_endpoint: 'POST',
      introspection_endpoint: 'POST',
    };

    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      it(`${path} lists exactly the endpoints that answer`, async () => {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200);
        const doc = (await response.json()) as Record<string, unknown>;
        assert.equal(doc['issuer'], server.url);
        const listed = Object.keys(doc).filter((key) => key.endsWith('_endpoint') || key === 'jwks_uri');
        assert.deepEqual(listed.sort(), Object.keys(EXPECTED_ENDPOINTS).sort());
        for (const [key, expected] of Object.entries(EXPECTED_ENDPOINTS)) {
          assert.equal(doc[key], `${server.url}${expected}`, key);
        }
        const urls = Object.entries(doc).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && entry[1].startsWith(server.url),
        );
        for (const [key, url] of urls) {
          if (key === 'issuer') continue;
          const method = METHOD[key] ?? 'GET';
          const answer = await fetch(url, {
            method,
            redirect: 'manual',
            ...(method === 'POST'
              ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }
              : {}),
          });
          assert.notEqual(answer.status, 404, `${key} (${method} ${url}) does not exist`);
          assert.ok(answer.status < 500, `${key} answered ${answer.status}`);
          await answer.arrayBuffer();
        }
      });
    }

    it('advertises only what is enforced: code + S256, no request objects, no unauthenticated introspection', async () => {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      assert.deepEqual(doc['response_types_supported'], ['code']);
      assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
      assert.equal(doc['request_parameter_supported'], false);
      assert.equal(doc['request_uri_parameter_supported'], false);
      assert.equal(doc['authorization_response_iss_parameter_supported'], true);
      assert.ok(!(doc['grant_types_supported'] as string[]).includes('password'));
      assert.ok(!(doc['grant_types_supported'] as string[]).includes('implicit'));
      assert.ok(!(doc['introspection_endpoint_auth_methods_supported'] as string[]).includes('none'));
    });
  });
});

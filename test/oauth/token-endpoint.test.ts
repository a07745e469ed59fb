/**
 * The token endpoint's negative cases (contract §4, RFC 6749 §5.2, RFC 9700 §2.1.1 and §4.2):
 * codes are single use (a replay revokes what the first redemption issued), short-lived, and bound
 * to the client, the redirect URI and the PKCE verifier; client authentication takes exactly the
 * registered method; every answer is uncacheable JSON and no malformed request reaches a 5xx.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ManualClock } from '../../src/core/clock.ts';
import { AUTHORIZATION_CODE_TTL_MS } from '../../src/oauth/authorization-code.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, M2M_SECRET, oauthConfig, signedInBrowser, THIRD_SECRET, WEB_SECRET } from './fixtures.ts';

const WEB_REDIRECT = 'https://app.example.com/callback';
const THIRD_REDIRECT = 'https://third.example.org/cb';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
const WEB_AUTH = { authorization: basic('web', WEB_SECRET) };

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface TokenJson {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  error?: string;
  error_description?: string;
  /** Introspection answers are read with the same checks. */
  active?: boolean;
}

describe('token endpoint: codes, PKCE, client authentication and grant checks', () => {
  let server: TestServer;
  let cookie: string;
  let thirdUserCookie: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));

  before(async () => {
    server = await startTestServer({ config: oauthConfig, overrides: { clock } });
    ({ cookie } = await signedInBrowser(server, 'token@example.com'));
    const thirdUser = await signedInBrowser(server, 'third-user@example.com');
    await server.core.store.putConsent(thirdUser.userId, 'third', ['openid', 'email'], clock.now());
    thirdUserCookie = thirdUser.cookie;
  });
  after(() => server.close());

  /** A code for `client` through the real authorization endpoint. */
  async function code(
    options: { client?: string; redirectUri?: string; scope?: string; challenge?: string; as?: string } = {},
  ): Promise<string> {
    const target = new URL('/oauth/authorize', server.url);
    target.searchParams.set('client_id', options.client ?? 'web');
    target.searchParams.set('redirect_uri', options.redirectUri ?? WEB_REDIRECT);
    target.searchParams.set('response_type', 'code');
    target.searchParams.set('scope', options.scope ?? 'openid offline_access');
    if (options.challenge !== undefined) {
      target.searchParams.set('code_challenge', options.challenge);
      target.searchParams.set('code_challenge_method', 'S256');
    }
    const response = await authorize(server, target, options.as ?? cookie);
    const value = new URL(response.headers.get('location') ?? '').searchParams.get('code');
    assert.ok(value, `no code: ${response.status} ${response.headers.get('location')}`);
    return value;
  }

  function token(form: Record<string, string> | string, headers: Record<string, string> = {}) {
    return fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form),
    });
  }
  function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
  }

  /** Every token-endpoint answer, success or failure, is uncacheable JSON and never a 5xx. */
  async function read(response: Response): Promise<TokenJson> {
    assert.ok(response.status < 500, `5xx: ${response.status}`);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    return (await response.json()) as TokenJson;
  }
  async function expectError(response: Response, status: number, error: string): Promise<TokenJson> {
    const body = await read(response);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(body.error, error, JSON.stringify(body));
    assert.equal(body.access_token, undefined);
    if (status === 401) {
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /, 'a 401 carries a challenge');
    }
    return body;
  }
  async function expectTokens(
    response: Response,
  ): Promise<Required<Pick<TokenJson, 'access_token'>> & TokenJson> {
    const body = await read(response);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);
    return body as Required<Pick<TokenJson, 'access_token'>> & TokenJson;
  }

  const redeemWeb = (value: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', code: value, redirect_uri: WEB_REDIRECT, ...extra }, WEB_AUTH);

  describe('authorization codes (RFC 6749 §4.1.2, §10.5)', () => {
    it('a reused code is invalid_grant AND kills every token of the first redemption', async () => {
      const unrelated = await expectTokens(await redeemWeb(await code()));
      const replayed = await code();
      const first = await expectTokens(await redeemWeb(replayed));
      assert.ok(first.refresh_token && first.id_token);
      const userinfo = async (accessToken: string) => {
        const response = await fetch(`${server.url}/oauth/userinfo`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        await response.text();
        return response.status;
      };
      assert.equal(await userinfo(first.access_token), 200, 'the first redemption works before the replay');
      // The replay (e.g. by an attacker who stole the code) is refused...
      await expectError(await redeemWeb(replayed), 400, 'invalid_grant');
      // ...and every token the first redemption issued dies (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
      await expectError(
        await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, WEB_AUTH),
        400,
        'invalid_grant',
      );
      for (const t of [first.access_token, first.refresh_token]) {
        assert.deepEqual(await read(await post('/oauth/introspect', { token: t }, WEB_AUTH)), {
          active: false,
        });
      }
      assert.equal(await userinfo(first.access_token), 401);
      // The same user's tokens from another code are untouched.
      assert.equal(await userinfo(unrelated.access_token), 200);
      assert.equal(
        (await read(await post('/oauth/introspect', { token: unrelated.refresh_token ?? '' }, WEB_AUTH)))
          .active,
        true,
      );
    });

    it('a code redeemed by another client is invalid_grant (and burnt)', async () => {
      const value = await code();
      await expectError(
        await token(
          { grant_type: 'authorization_code', code: value, redirect_uri: WEB_REDIRECT },
          { authorization: basic('third', THIRD_SECRET) },
        ),
        400,
        'invalid_grant',
      );
      await expectError(await redeemWeb(value), 400, 'invalid_grant');
    });

    it('a redirect_uri that differs from, or is missing against, the authorization request is invalid_grant', async () => {
      await expectError(
        await redeemWeb(await code(), { redirect_uri: 'https://app.example.com/callback/' }),
        400,
        'invalid_grant',
      );
      await expectError(
        await token({ grant_type: 'authorization_code', code: await code() }, WEB_AUTH),
        400,
        'invalid_grant',
      );
      // Loopback: the port the browser used is part of the binding.
      const { verifier, challenge } = pkce();
      const spaCode = await code({ client: 'spa', redirectUri: 'http://127.0.0.1:4000/callback', challenge });
      await expectError(
        await token({
          grant_type: 'authorization_code',
          client_id: 'spa',
          code: spaCode,
          redirect_uri: 'http://127.0.0.1:4001/callback',
          code_verifier: verifier,
        }),
        400,
        'invalid_grant',
      );
    });

    it('PKCE: a wrong verifier, a missing verifier, or a verifier for a code issued without a challenge is invalid_grant', async () => {
      const { challenge, verifier } = pkce();
      await expectError(
        await redeemWeb(await code({ challenge }), { code_verifier: pkce().verifier }),
        400,
        'invalid_grant',
      );
      await expectError(await redeemWeb(await code({ challenge })), 400, 'invalid_grant');
      // Downgrade (RFC 9700 §2.1.1): the attacker's code had no challenge, the victim sends a verifier.
      await expectError(await redeemWeb(await code(), { code_verifier: verifier }), 400, 'invalid_grant');
      // The verifier is not the challenge itself (that would be `plain`).
      await expectError(
        await redeemWeb(await code({ challenge }), { code_verifier: challenge }),
        400,
        'invalid_grant',
      );
      // The right verifier works.
      await expectTokens(await redeemWeb(await code({ challenge }), { code_verifier: verifier }));
    });

    it('a failed PKCE check burns the code: guessing verifiers is one try per code', async () => {
      const { challenge, verifier } = pkce();
      const value = await code({ challenge });
      await expectError(await redeemWeb(value, { code_verifier: pkce().verifier }), 400, 'invalid_grant');
      await expectError(await redeemWeb(value, { code_verifier: verifier }), 400, 'invalid_grant');
    });

    it('a code older than 60 seconds is invalid_grant', async () => {
      const value = await code();
      clock.advance(AUTHORIZATION_CODE_TTL_MS + 1);
      await expectError(await redeemWeb(value), 400, 'invalid_grant');
      const fresh = await code();
      clock.advance(AUTHORIZATION_CODE_TTL_MS - 1000);
      await expectTokens(await redeemWeb(fresh));
    });

    it('a replay after the 60 seconds is still recognised as reuse and revokes the first redemption', async () => {
      const value = await code();
      const first = await expectTokens(await redeemWeb(value));
      clock.advance(AUTHORIZATION_CODE_TTL_MS + 5000);
      await expectError(await redeemWeb(value), 400, 'invalid_grant');
      await expectError(
        await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' }, WEB_AUTH),
        400,
        'invalid_grant',
      );
      assert.deepEqual(await read(await post('/oauth/introspect', { token: first.access_token }, WEB_AUTH)), {
        active: false,
      });
    });

    it('an expired code is refused even when its first presentation comes late', async () => {
      const value = await code();
      clock.advance(AUTHORIZATION_CODE_TTL_MS);
      await expectError(await redeemWeb(value), 400, 'invalid_grant');
    });

    it('an unknown or missing code is an error, not a 5xx', async () => {
      await expectError(await redeemWeb('ghc_not-a-real-code'), 400, 'invalid_grant');
      await expectError(await redeemWeb('x'.repeat(5000)), 400, 'invalid_grant');
      await expectError(
        await token({ grant_type: 'authorization_code', redirect_uri: WEB_REDIRECT }, WEB_AUTH),
        400,
        'invalid_request',
      );
    });
  });

  describe('client authentication (RFC 6749 §2.3, §5.2)', () => {
    const ccForm = { grant_type: 'client_credentials', scope: 'expenses:read' };

    it('a wrong client secret → 401 invalid_client with WWW-Authenticate', async () => {
      await expectError(await token(ccForm, { authorization: basic('web', 'wrong') }), 401, 'invalid_client');
      // A secret that differs only by its last character (and by length) is just as wrong.
      await expectError(
        await token(ccForm, { authorization: basic('web', `${WEB_SECRET}x`) }),
        401,
        'invalid_client',
      );
      await expectError(
        await token({ ...ccForm, client_id: 'm2m', client_secret: `${M2M_SECRET}x` }),
        401,
        'invalid_client',
      );
      await expectError(
        await token({ ...ccForm, client_id: 'm2m', client_secret: '' }),
        401,
        'invalid_client',
      );
      await expectError(await token(ccForm, { authorization: basic('nobody', 'x') }), 401, 'invalid_client');
      await expectError(await token(ccForm), 401, 'invalid_client');
    });

    it('the secret through a method the client is not registered for → 401', async () => {
      // web is client_secret_basic: its (correct) secret in the body is refused.
      await expectError(
        await token({
          grant_type: 'authorization_code',
          code: await code(),
          redirect_uri: WEB_REDIRECT,
          client_id: 'web',
          client_secret: WEB_SECRET,
        }),
        401,
        'invalid_client',
      );
      // m2m is client_secret_post: its (correct) secret in Basic is refused.
      await expectError(
        await token(ccForm, { authorization: basic('m2m', M2M_SECRET) }),
        401,
        'invalid_client',
      );
    });

    it('two authentication methods at once are refused', async () => {
      const response = await token(
        { ...ccForm, client_id: 'm2m', client_secret: M2M_SECRET },
        { authorization: basic('m2m', M2M_SECRET) },
      );
      const body = await read(response);
      assert.ok(response.status === 400 || response.status === 401, String(response.status));
      assert.ok(body.error === 'invalid_request' || body.error === 'invalid_client', body.error);
      assert.equal(body.access_token, undefined);
      // Basic for one client and client_id naming another.
      await expectError(await redeemWeb(await code(), { client_id: 'third' }), 401, 'invalid_client');
    });

    it('a public client sending a secret → 401', async () => {
      const { challenge, verifier } = pkce();
      const spaCode = await code({ client: 'spa', redirectUri: 'https://spa.example.com/cb', challenge });
      const form = {
        grant_type: 'authorization_code',
        code: spaCode,
        redirect_uri: 'https://spa.example.com/cb',
        code_verifier: verifier,
      };
      await expectError(
        await token({ ...form, client_id: 'spa', client_secret: 'anything' }),
        401,
        'invalid_client',
      );
      await expectError(await token(form, { authorization: basic('spa', '') }), 401, 'invalid_client');
      // The same code still redeems correctly: refused authentication didn't consume it.
      await expectTokens(await token({ ...form, client_id: 'spa' }));
    });

    it('a malformed Authorization header is invalid_client, never a 5xx', async () => {
      for (const header of [
        'Basic',
        'Basic !!!!',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
        `Basic ${Buffer.from('web:%E0%A4%A').toString('base64')}`,
        `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x00]).toString('base64')}`,
        `Basic ${'A'.repeat(10_000)}`,
      ]) {
        await expectError(await token(ccForm, { authorization: header }), 401, 'invalid_client');
      }
    });
  });

  describe('grant types and request format', () => {
    it('grant_type=password → unsupported_grant_type; a missing one → invalid_request', async () => {
      await expectError(
        await token({ grant_type: 'password', username: 'token@example.com', password: 'x' }, WEB_AUTH),
        400,
        'unsupported_grant_type',
      );
      await expectError(
        await token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }, WEB_AUTH),
        400,
        'unsupported_grant_type',
      );
      await expectError(await token({}, WEB_AUTH), 400, 'invalid_request');
    });

    it('a grant the client is not registered for → unauthorized_client', async () => {
      await expectError(
        await token({ grant_type: 'client_credentials' }, WEB_AUTH),
        400,
        'unauthorized_client',
      );
      await expectError(
        await token(
          { grant_type: 'refresh_token', refresh_token: 'ghr_x' },
          { authorization: basic('third', THIRD_SECRET) },
        ),
        400,
        'unauthorized_client',
      );
      await expectError(
        await token({
          grant_type: 'authorization_code',
          code: 'x',
          client_id: 'm2m',
          client_secret: M2M_SECRET,
        }),
        400,
        'unauthorized_client',
      );
    });

    it('a JSON body or no content type → 400 invalid_request', async () => {
      const json = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...WEB_AUTH },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      await expectError(json, 400, 'invalid_request');
      const untyped = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: WEB_AUTH,
        body: new TextEncoder().encode('grant_type=client_credentials'),
      });
      await expectError(untyped, 400, 'invalid_request');
      const multipart = new FormData();
      multipart.set('grant_type', 'client_credentials');
      await expectError(
        await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: WEB_AUTH, body: multipart }),
        400,
        'invalid_request',
      );
    });

    it('a repeated parameter → 400 invalid_request', async () => {
      const value = await code();
      await expectError(
        await token(
          `grant_type=authorization_code&code=${value}&code=${value}&redirect_uri=${WEB_REDIRECT}`,
          WEB_AUTH,
        ),
        400,
        'invalid_request',
      );
      await expectError(
        await token(
          `grant_type=client_credentials&client_id=m2m&client_secret=${M2M_SECRET}&client_secret=guess`,
        ),
        400,
        'invalid_request',
      );
      // The code was not consumed by the refused request.
      await expectTokens(await redeemWeb(value));
    });

    it('a successful answer is uncacheable JSON too', async () => {
      const response = await redeemWeb(await code());
      await expectTokens(response);
      assert.equal(response.headers.get('pragma'), 'no-cache');
    });
  });

  describe('client_credentials (contract §3: sub is the client, no user scopes)', () => {
    const m2m = (form: Record<string, string>) =>
      token({ grant_type: 'client_credentials', client_id: 'm2m', client_secret: M2M_SECRET, ...form });

    it('a public client cannot use it', async () => {
      await expectError(
        await token({ grant_type: 'client_credentials', client_id: 'spa' }),
        400,
        'unauthorized_client',
      );
    });

    it('a scope outside the client’s → invalid_scope', async () => {
      await expectError(await m2m({ scope: 'expenses:write' }), 400, 'invalid_scope');
      await expectError(await m2m({ scope: 'nonsense' }), 400, 'invalid_scope');
    });

    it('never grants openid or other user scopes to m2m', async () => {
      await expectError(await m2m({ scope: 'openid' }), 400, 'invalid_scope');
      await expectError(await m2m({ scope: 'openid profile email offline_access' }), 400, 'invalid_scope');
      const mixed = await expectTokens(await m2m({ scope: 'openid expenses:read' }));
      assert.equal(mixed.scope, 'expenses:read');
      assert.equal(mixed.id_token, undefined);
      assert.equal(mixed.refresh_token, undefined);
      const all = await expectTokens(await m2m({}));
      assert.deepEqual(all.scope?.split(' ').sort(), ['admin:users', 'expenses:read']);
      assert.equal(decodeJwt(all.access_token)['sub'], 'm2m');
    });
  });

  describe('refresh tokens at the token endpoint', () => {
    it('a refresh token presented by another client is invalid_grant', async () => {
      const tokens = await expectTokens(await redeemWeb(await code()));
      await expectError(
        await token({
          grant_type: 'refresh_token',
          client_id: 'spa',
          refresh_token: tokens.refresh_token ?? '',
        }),
        400,
        'invalid_grant',
      );
    });

    it('a third-party client’s code works once consent is stored (sanity for the cross-client cases)', async () => {
      const value = await code({
        client: 'third',
        redirectUri: THIRD_REDIRECT,
        scope: 'openid email',
        as: thirdUserCookie,
      });
      const tokens = await expectTokens(
        await token(
          { grant_type: 'authorization_code', code: value, redirect_uri: THIRD_REDIRECT },
          { authorization: basic('third', THIRD_SECRET) },
        ),
      );
      assert.equal(tokens.refresh_token, undefined, 'third is not registered for refresh_token');
    });
  });
  describe('refresh_token grant scope (RFC 6749 §6)', () => {
    async function refreshTokenFor(scope: string): Promise<string> {
      const c = await code({ scope });
      const tokens = (await (
        await token({ grant_type: 'authorization_code', code: c, redirect_uri: WEB_REDIRECT }, WEB_AUTH)
      ).json()) as TokenJson;
      assert.ok(tokens.refresh_token);
      return tokens.refresh_token;
    }

    it('refuses a wider scope with invalid_scope and leaves the refresh token usable', async () => {
      const refresh = await refreshTokenFor('openid email offline_access');
      const wider = await token(
        { grant_type: 'refresh_token', refresh_token: refresh, scope: 'openid profile' },
        WEB_AUTH,
      );
      assert.equal(wider.status, 400);
      assert.equal(((await wider.json()) as TokenJson).error, 'invalid_scope');
      const again = await token({ grant_type: 'refresh_token', refresh_token: refresh }, WEB_AUTH);
      assert.equal(again.status, 200);
    });

    it('narrows the access token but not the successor refresh token', async () => {
      const refresh = await refreshTokenFor('openid email offline_access');
      const narrowed = (await (
        await token({ grant_type: 'refresh_token', refresh_token: refresh, scope: 'openid' }, WEB_AUTH)
      ).json()) as TokenJson;
      assert.equal(narrowed.scope, 'openid');
      const next = (await (
        await token({ grant_type: 'refresh_token', refresh_token: narrowed.refresh_token ?? '' }, WEB_AUTH)
      ).json()) as TokenJson;
      assert.deepEqual(next.scope?.split(' ').sort(), ['email', 'offline_access', 'openid']);
    });
  });
});

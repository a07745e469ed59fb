import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, M2M_SECRET, oauthConfig, signedInBrowser, WEB_SECRET } from './fixtures.ts';

describe('openid-client (panva) as the relying party, end to end', () => {
  let server: TestServer;
  let cookie: string;
  let userId: string;
  const insecure = { execute: [client.allowInsecureRequests] };

  before(async () => {
    server = await startTestServer({ config: oauthConfig });
    ({ cookie, userId } = await signedInBrowser(server, 'rp@example.com'));
  });
  after(() => server.close());

  it('discovers, runs code + PKCE, validates the ID token, reads userinfo, refreshes, introspects, revokes and logs out', async () => {
    const config = await client.discovery(
      new URL(server.url),
      'web',
      undefined,
      client.ClientSecretBasic(WEB_SECRET),
      insecure,
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid profile email offline_access expenses:read expenses:write',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const redirect = await authorize(server, authUrl, cookie);
    assert.equal(redirect.status, 302);
    const callback = new URL(redirect.headers.get('location') ?? '');
    assert.equal(callback.origin + callback.pathname, 'https://app.example.com/callback');
    assert.equal(callback.searchParams.get('iss'), server.url);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    assert.equal(idClaims?.sub, userId);
    assert.equal(idClaims?.aud, 'web');
    assert.deepEqual(idClaims?.['amr'], ['pwd']);
    assert.equal(typeof idClaims?.['auth_time'], 'number');
    assert.ok(tokens.refresh_token?.startsWith('ghr_'));
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.aud, 'https://api.example.com');
    // role-bound: member grants expenses:read, not expenses:write
    assert.deepEqual(String(access['scope']).split(' ').sort(), [
      'email',
      'expenses:read',
      'offline_access',
      'openid',
      'profile',
    ]);
    assert.deepEqual(access['roles'], ['member']);

    const info = await client.fetchUserInfo(config, tokens.access_token, userId);
    assert.equal(info.email, 'rp@example.com');
    assert.equal(info.email_verified, true);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()?.sub, userId);

    const active = await client.tokenIntrospection(config, refreshed.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, userId);
    await client.tokenRevocation(config, refreshed.access_token);
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);

    const refreshIntro = await client.tokenIntrospection(config, refreshed.refresh_token ?? '');
    assert.equal(refreshIntro.active, true);
    await client.tokenRevocation(config, refreshed.refresh_token ?? '');
    assert.equal((await client.tokenIntrospection(config, refreshed.refresh_token ?? '')).active, false);
    await assert.rejects(
      client.refreshTokenGrant(config, refreshed.refresh_token ?? ''),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );

    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'https://app.example.com/',
      state: 'bye',
    });
    const loggedOut = await fetch(endSession, { redirect: 'manual', headers: { cookie } });
    assert.equal(loggedOut.status, 302);
    assert.equal(loggedOut.headers.get('location'), 'https://app.example.com/?state=bye');
    assert.match(loggedOut.headers.get('set-cookie') ?? '', /__Host-gatehouse_session=;/);
    // the browser session is dead: a silent authorization now needs a login
    const silent = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid',
      prompt: 'none',
      state: 's',
    });
    const afterLogout = await authorize(server, silent, cookie);
    assert.equal(
      new URL(afterLogout.headers.get('location') ?? '').searchParams.get('error'),
      'login_required',
    );
  });

  it('issues client_credentials tokens whose sub is the client', async () => {
    const config = await client.discovery(
      new URL(server.url),
      'm2m',
      undefined,
      client.ClientSecretPost(M2M_SECRET),
      insecure,
    );
    const tokens = await client.clientCredentialsGrant(config, { scope: 'admin:users' });
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.sub, 'm2m');
    assert.equal(claims['client_id'], 'm2m');
    assert.equal(claims['scope'], 'admin:users');
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
  });

  it('runs a public client (PKCE, no secret) with a loopback redirect on any port', async () => {
    const config = await client.discovery(new URL(server.url), 'spa', undefined, client.None(), insecure);
    const verifier = client.randomPKCECodeVerifier();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:51234/callback',
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const { cookie: spaCookie } = await signedInBrowser(server, 'spa@example.com');
    const redirect = await authorize(server, authUrl, spaCookie);
    const callback = new URL(redirect.headers.get('location') ?? '');
    assert.equal(callback.port, '51234');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 'st',
    });
    assert.equal(decodeJwt(tokens.access_token)['client_id'], 'spa');
    assert.equal(tokens.refresh_token, undefined, 'no offline_access, no refresh token');
  });
});

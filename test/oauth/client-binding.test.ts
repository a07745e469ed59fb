import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { authorize, oauthConfig, signedInBrowser, THIRD_SECRET, WEB_SECRET } from './fixtures.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const config = {
  ...oauthConfig,
  clients: oauthConfig.clients.map((client) =>
    client.client_id === 'third'
      ? {
          ...client,
          grant_types: ['authorization_code', 'refresh_token'],
          scopes: ['openid', 'email', 'offline_access'],
        }
      : client,
  ),
};

describe('security: tokens stay bound to their client, their consent and the user’s current roles', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config });
  });
  after(() => server.close());

  async function tokensFor(
    clientId: 'web' | 'third',
    redirectUri: string,
    secret: string,
    cookie: string,
    scope: string,
  ) {
    const url = new URL('/oauth/authorize', server.url);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope,
    }).toString();
    const code = new URL(
      (await authorize(server, url, cookie)).headers.get('location') ?? '',
    ).searchParams.get('code');
    assert.ok(code, 'no code');
    const response = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(clientId, secret),
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { access_token: string; refresh_token: string };
  }

  it("refuses a third-party client's refresh token at /v1/refresh (no client authentication there) without spending it", async () => {
    const { userId, cookie } = await signedInBrowser(server, 'binding@example.com');
    await server.core.store.putConsent(userId, 'third', ['openid', 'email', 'offline_access'], Date.now());
    const tokens = await tokensFor(
      'third',
      'https://third.example.org/cb',
      THIRD_SECRET,
      cookie,
      'openid email offline_access',
    );
    const stolen = await server.post('/v1/refresh', { refresh_token: tokens.refresh_token });
    assert.equal(stolen.status, 400);
    assert.equal(((await stolen.json()) as { code: string }).code, 'invalid_grant');
    const owner = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('third', THIRD_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    assert.equal(owner.status, 200, 'the real client can still use it');
  });

  it('asks a third-party client for consent even when the request names no scope', async () => {
    const { cookie } = await signedInBrowser(server, 'noscope@example.com');
    const url = new URL('/oauth/authorize', server.url);
    url.search = new URLSearchParams({
      client_id: 'third',
      redirect_uri: 'https://third.example.org/cb',
      response_type: 'code',
      prompt: 'none',
    }).toString();
    const answer = new URL((await authorize(server, url, cookie)).headers.get('location') ?? '');
    assert.equal(answer.searchParams.get('error'), 'consent_required');
  });

  it("drops a role's scopes at the next refresh once the user has lost the role", async () => {
    const { userId, cookie } = await signedInBrowser(server, 'demoted@example.com');
    await server.core.store.updateUser(userId, { roles: ['admin', 'member'] }, Date.now());
    const tokens = await tokensFor(
      'web',
      'https://app.example.com/callback',
      WEB_SECRET,
      cookie,
      'openid offline_access expenses:write',
    );
    assert.match(String(decodeJwt(tokens.access_token)['scope']), /expenses:write/);
    await server.core.store.updateUser(userId, { roles: ['member'] }, Date.now());
    const refreshed = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('web', WEB_SECRET),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    const next = (await refreshed.json()) as { access_token: string };
    assert.doesNotMatch(String(decodeJwt(next.access_token)['scope']), /expenses:write/);
    assert.deepEqual(decodeJwt(next.access_token)['roles'], ['member']);
  });

  it('puts email in an access token only once the address is verified', async () => {
    await server.post('/v1/signup', {
      email: 'unproven@example.com',
      password: 'correct horse battery staple',
    });
    const user = await server.core.store.getUserByEmail('unproven@example.com');
    assert.ok(user);
    const { startSession } = await import('../../src/core/sessions/start-session.ts');
    const client = server.core.config.clients.find((c) => c.client_id === 'spa');
    assert.ok(client);
    const unverified = await startSession(server.core, {
      user,
      client,
      scope: ['openid', 'email'],
      amr: ['swk'],
    });
    assert.equal(decodeJwt(unverified.access_token)['email'], undefined);
    const verified = await startSession(server.core, {
      user: { ...user, emailVerified: true },
      client,
      scope: ['openid', 'email'],
      amr: ['swk'],
    });
    assert.equal(decodeJwt(verified.access_token)['email'], 'unproven@example.com');
  });
});

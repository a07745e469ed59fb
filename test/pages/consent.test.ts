import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorizationRequest } from '../../src/oauth/authorization-request.ts';
import { savePendingRequest } from '../../src/oauth/pending-request.ts';
import { Browser, csrfFrom } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';

describe('hosted consent page', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer({
      config: {
        clients: [
          {
            client_id: 'expenses-app',
            token_endpoint_auth_method: 'none',
            redirect_uris: ['https://app.example.com/callback'],
            scopes: ['openid', 'profile', 'email', 'offline_access', 'expenses:write'],
          },
        ],
        roles: { admin: ['expenses:write'] },
      },
    });
    await server.createConfirmedUser('ada@example.com', PASSWORD);
  });
  after(() => server.close());

  const clientId = () => server.core.config.clients[0]?.client_id ?? '';

  async function pending(scope: string[]): Promise<string> {
    const request: AuthorizationRequest = {
      clientId: clientId(),
      redirectUri: 'https://app.example.com/callback',
      scope,
      state: 'xyz',
      nonce: null,
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      prompt: [],
      maxAge: null,
      loginHint: null,
      idTokenHint: null,
      identityProvider: null,
      createdAt: Date.now(),
    };
    return savePendingRequest(server.core, request);
  }

  async function signedIn(): Promise<Browser> {
    const browser = new Browser(server.url);
    assert.equal(
      (await browser.submit('/login', '/login', { email: 'ada@example.com', password: PASSWORD })).status,
      303,
    );
    return browser;
  }

  it('sends a browser without a session to sign in, keeping the request', async () => {
    const handle = await pending(['openid']);
    const response = await new Browser(server.url).get(`/consent?request=${handle}`);
    assert.equal(response.status, 303);
    assert.equal(response.location, `/login?request=${handle}`);
  });

  it('lists the scopes in plain language, role scopes as named, with Allow and Deny', async () => {
    const handle = await pending(['openid', 'profile', 'email', 'offline_access', 'expenses:write']);
    const page = await (await signedIn()).get(`/consent?request=${handle}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /See your name/);
    assert.match(page.html, /See your email address/);
    assert.match(page.html, /Confirm who you are/);
    assert.match(page.html, /Keep access while you are not using it/);
    assert.match(page.html, /<code>expenses:write<\/code>/);
    assert.match(page.html, /<button type="submit" name="decision" value="allow"[^>]*>Allow<\/button>/);
    assert.match(page.html, /<button type="submit" name="decision" value="deny"[^>]*>Deny<\/button>/);
    assert.match(page.html, new RegExp(`name="request" value="${handle}"`));
    assert.match(page.html, /<strong>expenses-app<\/strong> wants to:/);
  });

  it('remembers the union of old and new scopes on Allow and continues the flow', async () => {
    const browser = await signedIn();
    const user = await server.core.store.getUserByEmail('ada@example.com');
    const userId = user?.id ?? '';
    await server.core.store.putConsent(userId, clientId(), ['openid', 'email'], Date.now());
    const handle = await pending(['openid', 'profile']);
    const page = await browser.get(`/consent?request=${handle}`);
    const response = await browser.post('/consent', {
      csrf: csrfFrom(page.html),
      request: handle,
      decision: 'allow',
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, `/oauth/authorize/continue?request=${handle}&consented=1`);
    const granted = await server.core.store.getConsent(userId, clientId());
    assert.deepEqual([...granted].sort(), ['email', 'openid', 'profile']);
  });

  it('continues with denied=1 on Deny and remembers nothing', async () => {
    await server.createConfirmedUser('deny@example.com', PASSWORD);
    const browser = new Browser(server.url);
    await browser.submit('/login', '/login', { email: 'deny@example.com', password: PASSWORD });
    const handle = await pending(['openid', 'email']);
    const page = await browser.get(`/consent?request=${handle}`);
    const response = await browser.post('/consent', {
      csrf: csrfFrom(page.html),
      request: handle,
      decision: 'deny',
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, `/oauth/authorize/continue?request=${handle}&denied=1`);
    const user = await server.core.store.getUserByEmail('deny@example.com');
    assert.deepEqual(await server.core.store.getConsent(user?.id ?? '', clientId()), []);
  });

  it('answers an unknown or malformed request with an error page, not a redirect', async () => {
    const browser = await signedIn();
    const unknown = await browser.get('/consent?request=AAAAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(unknown.status, 400);
    assert.match(unknown.html, /This sign-in request has expired/);
    const malformed = await browser.get('/consent?request=<x>');
    assert.equal(malformed.status, 400);
  });

  it('refuses a forged consent post', async () => {
    const browser = await signedIn();
    const user = await server.core.store.getUserByEmail('ada@example.com');
    const before = await server.core.store.getConsent(user?.id ?? '', clientId());
    const handle = await pending(['openid', 'offline_access']);
    const page = await browser.get(`/consent?request=${handle}`);
    const forged = await browser.post(
      '/consent',
      { csrf: csrfFrom(page.html), request: handle, decision: 'allow' },
      { origin: 'https://evil.example' },
    );
    assert.equal(forged.status, 403);
    assert.deepEqual(await server.core.store.getConsent(user?.id ?? '', clientId()), before);
  });
});

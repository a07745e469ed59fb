import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { authorize, WEB_SECRET } from '../oauth/fixtures.ts';
import { Browser } from './browser.ts';
import {
  federatedSignIn,
  gatehouseAnswer,
  locationOf,
  sessionOf,
  sessionUserId,
  startWorld,
  type World,
} from './world.ts';

describe('federated sign-in with Google (a local OpenID provider in its place) and a generic provider', () => {
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('sends the browser upstream with code + PKCE (S256), state, nonce and prompt=select_account', async () => {
    const browser = new Browser();
    const start = await browser.fetch(`${world.server.url}/federation/google/start`);
    assert.equal(start.status, 302);
    const upstream = new URL(locationOf(start));
    assert.equal(upstream.origin, world.google.issuer);
    const q = upstream.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'gatehouse-google');
    assert.equal(q.get('redirect_uri'), `${world.server.url}/federation/google/callback`);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('state') ?? '').length >= 32);
    assert.ok((q.get('nonce') ?? '').length >= 32);
    assert.equal(q.get('prompt'), 'select_account');
    assert.equal(q.get('response_mode'), null);
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
    const binding = start.headers
      .getSetCookie()
      .find((line) => line.startsWith('__Host-gatehouse_federation='));
    assert.ok(binding, 'a browser-binding cookie');
    assert.match(binding, /HttpOnly/i);
    assert.match(binding, /Secure/i);
    assert.match(binding, /SameSite=Lax/i);
    assert.match(binding, /Path=\//i);
  });

  it('creates an account for a new user (email verified upstream), with the default roles, and signs in', async () => {
    world.google.accounts.set('g-new', {
      email: 'New.Person@Example.com',
      email_verified: true,
      name: 'New Person',
    });
    world.google.nextLogin = 'g-new';
    const { browser, response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/account');
    const user = await world.server.core.store.getUserByEmail('new.person@example.com');
    assert.ok(user);
    assert.equal(user.emailVerified, true);
    assert.equal(user.name, 'New Person');
    assert.equal(user.passwordHash, null);
    assert.deepEqual(user.roles, ['member']);
    const identities = await world.server.core.store.listIdentitiesByUser(user.id);
    assert.deepEqual(
      identities.map((i) => [i.issuer, i.subject, i.provider, i.email]),
      [[world.google.issuer, 'g-new', 'google', 'new.person@example.com']],
    );
    const session = await sessionOf(world, browser);
    assert.equal(session?.userId, user.id);
    assert.deepEqual(session?.amr, ['fed']);
    assert.equal(
      browser.cookie(world.server.url, '__Host-gatehouse_federation'),
      undefined,
      'binding cleared',
    );
  });

  it('signs a returning user in to the same account, even after the email changed upstream', async () => {
    world.google.accounts.set('g-back', { email: 'back@example.com', email_verified: true });
    world.google.nextLogin = 'g-back';
    const first = await federatedSignIn(world, 'google');
    const userId = await sessionUserId(world, first.browser);
    assert.ok(userId);
    world.google.accounts.set('g-back', { email: 'moved@example.com', email_verified: true });
    const { browser, response } = await federatedSignIn(world, 'google');
    assert.equal(locationOf(response), '/account');
    assert.equal(await sessionUserId(world, browser), userId);
    assert.equal(
      await world.server.core.store.getUserByEmail('moved@example.com'),
      null,
      'no second account',
    );
  });

  it('links to an existing account with the same email when the provider says email_verified: true', async () => {
    await world.server.createConfirmedUser('ada@example.com', 'correct horse battery staple');
    const existing = await world.server.core.store.getUserByEmail('ada@example.com');
    world.google.accounts.set('g-ada', {
      email: 'ada@example.com',
      email_verified: true,
      name: 'Someone Else',
    });
    world.google.nextLogin = 'g-ada';
    const { browser, response } = await federatedSignIn(world, 'google');
    assert.equal(locationOf(response), '/account');
    assert.equal(await sessionUserId(world, browser), existing?.id);
    const after = await world.server.core.store.getUserById(existing?.id ?? '');
    assert.equal(after?.passwordHash, existing?.passwordHash, 'the password stays');
    assert.equal(after?.name, existing?.name, 'the profile is not overwritten');
    const linked = await world.server.core.store.getIdentityByIssuerSubject(world.google.issuer, 'g-ada');
    assert.equal(linked?.userId, existing?.id);
    // The password still works too.
    await world.server.signIn('ada@example.com', 'correct horse battery staple');
  });

  it('refuses to link by email when the provider does not say email_verified: true, and says what to do', async () => {
    await world.server.createConfirmedUser('grace@example.com', 'correct horse battery staple');
    const existing = await world.server.core.store.getUserByEmail('grace@example.com');
    for (const [sub, verified] of [
      ['g-grace-false', false],
      ['g-grace-missing', undefined],
      ['g-grace-string', 'yes'],
    ] as const) {
      world.google.accounts.set(sub, {
        email: 'grace@example.com',
        ...(verified === undefined ? {} : { email_verified: verified }),
      });
      world.google.nextLogin = sub;
      const { browser, response } = await federatedSignIn(world, 'google');
      assert.equal(response.status, 409, sub);
      const page = await response.text();
      assert.match(page, /already exists/);
      assert.match(page, /has not confirmed that the address is yours/);
      assert.match(page, /Sign in with your password first, then link Google from your account page/);
      assert.equal(await sessionUserId(world, browser), null, 'not signed in');
      assert.equal(await world.server.core.store.getIdentityByIssuerSubject(world.google.issuer, sub), null);
    }
    assert.deepEqual(await world.server.core.store.listIdentitiesByUser(existing?.id ?? ''), []);
  });

  it('does not trust Google for a non-Gmail address outside Workspace (no hd): no link by email', async () => {
    await world.server.createConfirmedUser('alice@corp.example', 'correct horse battery staple');
    // A consumer Google account once made on alice@corp.example: verified back then, but Google
    // doesn't run that mailbox, so its current owner may be someone else.
    world.google.accounts.set('g-former-alice', {
      email: 'alice@corp.example',
      email_verified: true,
      hd: null,
    });
    world.google.nextLogin = 'g-former-alice';
    const { browser, response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 409);
    assert.equal(await sessionUserId(world, browser), null, 'not signed in');
    assert.equal(
      await world.server.core.store.getIdentityByIssuerSubject(world.google.issuer, 'g-former-alice'),
      null,
    );
  });

  it('does not link to an account whose own email was never confirmed here (pre-registration)', async () => {
    const signup = await world.server.post('/v1/signup', {
      email: 'victim@example.com',
      password: 'attacker chose this password',
    });
    assert.equal(signup.status, 202);
    world.google.accounts.set('g-victim', { email: 'victim@example.com', email_verified: true });
    world.google.nextLogin = 'g-victim';
    const { browser, response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 409);
    assert.match(await response.text(), /never confirmed/);
    assert.equal(await sessionUserId(world, browser), null);
  });

  it('does not create an account for an email the provider has not verified', async () => {
    world.google.accounts.set('g-unverified', { email: 'unverified@example.com', email_verified: false });
    world.google.nextLogin = 'g-unverified';
    const { response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 403);
    assert.match(await response.text(), /has not verified your email address/);
    assert.equal(await world.server.core.store.getUserByEmail('unverified@example.com'), null);
  });

  it('refuses a provider account without an email', async () => {
    world.google.accounts.set('g-noemail', { name: 'No Email' });
    world.google.nextLogin = 'g-noemail';
    const { response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 403);
    assert.match(await response.text(), /shared no email address/);
  });

  it('goes back to the sign-in page when the user cancels at the provider', async () => {
    world.google.deny = true;
    const { response } = await federatedSignIn(world, 'google');
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/login');
  });

  it('reads the profile from userinfo when a generic provider keeps it out of the ID token', async () => {
    world.corp.accounts.set('c-1', {
      email: 'worker@corp.example',
      email_verified: true,
      name: 'Corp Worker',
    });
    world.corp.nextLogin = 'c-1';
    const start = await new Browser().fetch(`${world.server.url}/federation/corp/start`);
    assert.equal(new URL(locationOf(start)).searchParams.get('prompt'), null, 'select_account is for Google');
    const { browser, response } = await federatedSignIn(world, 'corp');
    assert.equal(locationOf(response), '/account');
    const user = await world.server.core.store.getUserByEmail('worker@corp.example');
    assert.equal(user?.name, 'Corp Worker');
    assert.equal(await sessionUserId(world, browser), user?.id);
    const identity = await world.server.core.store.getIdentityByIssuerSubject(world.corp.issuer, 'c-1');
    assert.equal(identity?.provider, 'corp');
  });

  it('keeps the same subject at two providers as two identities', async () => {
    world.google.accounts.set('shared-sub', { email: 'one@example.com', email_verified: true });
    world.google.nextLogin = 'shared-sub';
    world.corp.accounts.set('shared-sub', { email: 'two@example.com', email_verified: true });
    world.corp.nextLogin = 'shared-sub';
    const viaGoogle = await federatedSignIn(world, 'google');
    const viaCorp = await federatedSignIn(world, 'corp');
    assert.notEqual(
      await sessionUserId(world, viaGoogle.browser),
      await sessionUserId(world, viaCorp.browser),
    );
  });

  it('answers an unknown provider with a page, not a redirect', async () => {
    for (const path of [
      '/federation/nope/start',
      '/federation/constructor/start',
      '/federation/nope/callback',
    ]) {
      const response = await fetch(`${world.server.url}${path}`, { redirect: 'manual' });
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    }
  });

  it('identity_provider=google on /oauth/authorize skips the chooser and completes the OAuth flow', async () => {
    world.google.accounts.set('g-oauth', {
      email: 'oauth@example.com',
      email_verified: true,
      name: 'O Auth',
    });
    world.google.nextLogin = 'g-oauth';
    const config = await client.discovery(
      new URL(world.server.url),
      'web',
      undefined,
      client.ClientSecretBasic(WEB_SECRET),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      identity_provider: 'google',
    });
    const browser = new Browser();
    const first = await browser.fetch(authUrl);
    assert.equal(first.status, 302);
    assert.match(
      locationOf(first),
      /^\/federation\/google\/start\?request=[A-Za-z0-9_-]+$/,
      'no chooser page',
    );
    const { response } = await browser.go(authUrl, {}, gatehouseAnswer(world));
    assert.equal(response.status, 302);
    const callback = new URL(locationOf(response));
    assert.equal(callback.origin + callback.pathname, 'https://app.example.com/callback');
    assert.equal(callback.searchParams.get('state'), state);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims();
    const user = await world.server.core.store.getUserByEmail('oauth@example.com');
    assert.equal(claims?.sub, user?.id);
    assert.deepEqual(claims?.['amr'], ['fed']);
    assert.equal(claims?.['email'], 'oauth@example.com');
  });

  it('identity_provider naming no configured provider is an OAuth error, and a stale request handle a page', async () => {
    const url = new URL(`${world.server.url}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'web',
      redirect_uri: 'https://app.example.com/callback',
      response_type: 'code',
      scope: 'openid',
      identity_provider: 'myspace',
    }).toString();
    const response = await authorize(world.server, url);
    const target = new URL(locationOf(response));
    assert.equal(target.searchParams.get('error'), 'invalid_request');
    const stale = await fetch(
      `${world.server.url}/federation/google/start?request=AAAAAAAAAAAAAAAAAAAAAAAA`,
      {
        redirect: 'manual',
      },
    );
    assert.equal(stale.status, 400);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Browser } from './browser.ts';
import {
  APPLE_CLIENT,
  APPLE_KEY_ID,
  APPLE_TEAM,
  appleSignIn,
  locationOf,
  sessionUserId,
  startWorld,
  type World,
} from './world.ts';

describe('Sign in with Apple (a local provider answering by form_post and checking the client secret JWT)', () => {
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('asks for form_post with the openid, email and name scopes, binding the browser with a SameSite=None cookie', async () => {
    const start = await new Browser().fetch(`${world.server.url}/federation/apple/start`);
    assert.equal(start.status, 302);
    const q = new URL(locationOf(start)).searchParams;
    assert.equal(q.get('response_mode'), 'form_post');
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['email', 'name', 'openid']);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('nonce'));
    assert.equal(q.get('prompt'), null);
    const binding = start.headers
      .getSetCookie()
      .find((line) => line.startsWith('__Host-gatehouse_federation='));
    // The callback is a cross-site POST from Apple: only a SameSite=None cookie comes along.
    assert.match(binding ?? '', /SameSite=None/i);
    assert.match(binding ?? '', /Secure/i);
  });

  it('creates the account on the first sign-in, taking the name from the one-time `user` field', async () => {
    world.apple.accounts.set('apple-001', {
      email: 'x7k2p9@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
    });
    world.apple.nextLogin = 'apple-001';
    const { browser, response } = await appleSignIn(world, new Browser(), {
      name: { firstName: 'Ada', lastName: 'Lovelace' },
      email: 'x7k2p9@privaterelay.appleid.com',
    });
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/account');
    const user = await world.server.core.store.getUserByEmail('x7k2p9@privaterelay.appleid.com');
    assert.ok(user);
    assert.equal(user.name, 'Ada Lovelace');
    assert.equal(user.emailVerified, true);
    assert.equal(await sessionUserId(world, browser), user.id);
    const identity = await world.server.core.store.getIdentityByIssuerSubject(
      world.apple.issuer,
      'apple-001',
    );
    assert.equal(identity?.userId, user.id);
    assert.equal(identity?.provider, 'apple');
  });

  it('signs the returning user in without a `user` field, keeping the name, reusing the cached client secret', async () => {
    world.apple.nextLogin = 'apple-001';
    const { browser, response } = await appleSignIn(world);
    assert.equal(locationOf(response), '/account');
    const user = await world.server.core.store.getUserByEmail('x7k2p9@privaterelay.appleid.com');
    assert.equal(await sessionUserId(world, browser), user?.id);
    assert.equal(user?.name, 'Ada Lovelace');
    assert.equal(world.apple.appleSecrets.length, 2);
    assert.equal(
      world.apple.appleSecrets[0],
      world.apple.appleSecrets[1],
      'the JWT is cached, not re-signed',
    );
  });

  it('sends an ES256 client secret JWT: iss team id, sub client id, aud Apple, kid key id, short-lived', () => {
    const secret = world.apple.appleSecrets[0] ?? '';
    const header = decodeProtectedHeader(secret);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, APPLE_KEY_ID);
    const claims = decodeJwt(secret);
    assert.equal(claims.iss, APPLE_TEAM);
    assert.equal(claims.sub, APPLE_CLIENT);
    assert.equal(claims.aud, world.apple.issuer);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  it('takes the callback only as a form POST', async () => {
    const response = await fetch(`${world.server.url}/federation/apple/callback?code=x&state=y`, {
      redirect: 'manual',
    });
    assert.equal(response.status, 404);
  });

  it('ignores a `user` field on later sign-ins (the name is only taken when the account is created)', async () => {
    world.apple.nextLogin = 'apple-001';
    await appleSignIn(world, new Browser(), { name: { firstName: 'Mallory', lastName: 'X' } });
    const user = await world.server.core.store.getUserByEmail('x7k2p9@privaterelay.appleid.com');
    assert.equal(user?.name, 'Ada Lovelace');
  });
});

describe('Sign in with Apple with a client secret signed by the wrong key', () => {
  let world: World;

  before(async () => {
    world = await startWorld({ wrongAppleKey: true });
  });
  after(() => world.close());

  it('fails: the upstream refuses the client secret, so no account and no session', async () => {
    world.apple.accounts.set('apple-002', { email: 'someone@icloud.com', email_verified: true });
    world.apple.nextLogin = 'apple-002';
    const { browser, response } = await appleSignIn(world, new Browser(), {
      name: { firstName: 'Some', lastName: 'One' },
    });
    assert.equal(response.status, 502);
    assert.equal(world.apple.appleSecrets.length, 0);
    assert.equal(await sessionUserId(world, browser), null);
    assert.equal(await world.server.core.store.getUserByEmail('someone@icloud.com'), null);
  });
});

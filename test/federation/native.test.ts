import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { GOOGLE_ANDROID_CLIENT, GOOGLE_CLIENT, GOOGLE_SECRET, startWorld, type World } from './world.ts';

/** `POST /v1/federation/{provider}/token {id_token, nonce?}`: an ID token from a native SDK, for our tokens. */
describe('native-app federation endpoint', () => {
  let world: World;
  let n = 0;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  const now = () => Math.floor(Date.now() / 1000);
  function claims(overrides: JWTPayload = {}): JWTPayload {
    n += 1;
    return {
      iss: world.google.issuer,
      sub: `native-${n}`,
      aud: GOOGLE_CLIENT,
      iat: now(),
      exp: now() + 600,
      email: `native-${n}@example.com`,
      email_verified: true,
      hd: 'example.com', // a Workspace account: Google is authoritative for the address
      ...overrides,
    };
  }
  const exchange = (provider: string, body: Record<string, unknown>) =>
    world.server.post(`/v1/federation/${provider}/token`, body);

  async function assertProblem(response: Response, status: number, code: string) {
    assert.equal(response.status, status);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(((await response.json()) as { code: string }).code, code);
  }

  it('answers a token response for a valid ID token, creating the account with fed as amr', async () => {
    const c = claims({ name: 'Native User' });
    const response = await exchange('google', {
      id_token: await world.google.signIdToken(c),
      scope: 'openid email',
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as {
      access_token: string;
      refresh_token?: string;
      token_type: string;
    };
    assert.equal(body.token_type, 'Bearer');
    const user = await world.server.core.store.getUserByEmail(String(c.email));
    assert.ok(user);
    assert.equal(user.name, 'Native User');
    assert.deepEqual(user.roles, ['member']);
    assert.equal(decodeJwt(body.access_token).sub, user.id);
    const sid = String(decodeJwt(body.access_token)['sid']);
    assert.deepEqual((await world.server.core.store.getSession(sid))?.amr, ['fed']);

    // The same identity again: the same account.
    const again = await exchange('google', {
      id_token: await world.google.signIdToken({ ...c, iat: now() }),
    });
    assert.equal(again.status, 200);
    assert.equal(decodeJwt(((await again.json()) as { access_token: string }).access_token).sub, user.id);
  });

  it('accepts the extra audiences configured in client_ids (an Android client id)', async () => {
    const response = await exchange('google', {
      id_token: await world.google.signIdToken(claims({ aud: GOOGLE_ANDROID_CLIENT })),
    });
    assert.equal(response.status, 200);
  });

  it('refuses a token minted for another app that merely lists us among several audiences (azp)', async () => {
    const foreign = claims({ aud: ['evil-rp', GOOGLE_CLIENT], azp: 'evil-rp' });
    const refused = await exchange('google', { id_token: await world.google.signIdToken(foreign) });
    assert.equal(refused.status, 401);
    const ours = claims({ aud: ['evil-rp', GOOGLE_CLIENT], azp: GOOGLE_CLIENT });
    assert.equal((await exchange('google', { id_token: await world.google.signIdToken(ours) })).status, 200);
  });

  it('accepts both forms of Google issuer, storing the identity under the canonical one', async () => {
    const bare = world.google.issuer.replace(/^https?:\/\//, '');
    const c = claims({ iss: bare });
    const first = await exchange('google', { id_token: await world.google.signIdToken(c) });
    assert.equal(first.status, 200);
    const identity = await world.server.core.store.getIdentityByIssuerSubject(
      world.google.issuer,
      String(c.sub),
    );
    assert.ok(identity, 'stored under the configured issuer');
    const second = await exchange('google', {
      id_token: await world.google.signIdToken({ ...c, iss: world.google.issuer }),
    });
    const sub = (r: Response) =>
      r.json().then((b) => decodeJwt((b as { access_token: string }).access_token).sub);
    assert.equal(await sub(second), identity.userId);
    // Only Google has the scheme-less form.
    const corp = await exchange('corp', {
      id_token: await world.corp.signIdToken(
        claims({ iss: world.corp.issuer.replace(/^https?:\/\//, ''), aud: 'gatehouse-corp' }),
      ),
    });
    await assertProblem(corp, 401, 'invalid_credentials');
  });

  it('refuses an audience that is not one of the configured client ids', async () => {
    for (const aud of ['someone-else', ['someone-else', 'another']]) {
      const response = await exchange('google', {
        id_token: await world.google.signIdToken(claims({ aud })),
      });
      await assertProblem(response, 401, 'invalid_credentials');
    }
  });

  it('refuses a wrong issuer, an expired token, a token without iat or exp', async () => {
    const bad = [
      claims({ iss: 'https://evil.example' }),
      claims({ iat: now() - 7200, exp: now() - 3600 }),
      (({ iat: _iat, ...rest }) => rest)(claims()),
      (({ exp: _exp, ...rest }) => rest)(claims()),
    ];
    for (const c of bad) {
      await assertProblem(
        await exchange('google', { id_token: await world.google.signIdToken(c) }),
        401,
        'invalid_credentials',
      );
      assert.equal(await world.server.core.store.getUserByEmail(String(c.email)), null);
    }
  });

  it('refuses alg: none, HS256 keyed with the client secret, and a key the provider never published', async () => {
    const c = claims();
    const none = world.google.unsignedIdToken(c);
    const hmac = await new SignJWT(c)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(GOOGLE_SECRET));
    const foreign = await generateKeyPair('RS256');
    const stranger = await new SignJWT(c)
      .setProtectedHeader({ alg: 'RS256', kid: 'whatever' })
      .sign(foreign.privateKey);
    for (const token of [none, hmac, stranger, 'not-a-jwt', `${none}x`]) {
      await assertProblem(await exchange('google', { id_token: token }), 401, 'invalid_credentials');
    }
    assert.equal(await world.server.core.store.getUserByEmail(String(c.email)), null);
  });

  it('checks the nonce: it must match when either side has one', async () => {
    const withNonce = claims({ nonce: 'nonce-123' });
    const token = await world.google.signIdToken(withNonce);
    await assertProblem(
      await exchange('google', { id_token: token, nonce: 'nonce-456' }),
      401,
      'invalid_credentials',
    );
    await assertProblem(await exchange('google', { id_token: token }), 401, 'invalid_credentials');
    const without = await world.google.signIdToken(claims());
    await assertProblem(
      await exchange('google', { id_token: without, nonce: 'nonce-123' }),
      401,
      'invalid_credentials',
    );
    assert.equal((await exchange('google', { id_token: token, nonce: 'nonce-123' })).status, 200);
  });

  it('does not link to an existing account unless the provider verified the email', async () => {
    await world.server.createConfirmedUser('native-existing@example.com', 'correct horse battery staple');
    const c = claims({ email: 'native-existing@example.com', email_verified: false });
    const response = await exchange('google', { id_token: await world.google.signIdToken(c) });
    assert.equal(response.status, 403);
    const body = (await response.json()) as { code: string; detail: string };
    assert.equal(body.code, 'email_not_verified');
    assert.match(body.detail, /sign in with the password and link Google from the account page/);
    const verified = await exchange('google', {
      id_token: await world.google.signIdToken({ ...c, email_verified: true }),
    });
    assert.equal(verified.status, 200);
    const user = await world.server.core.store.getUserByEmail('native-existing@example.com');
    assert.equal(decodeJwt(((await verified.json()) as { access_token: string }).access_token).sub, user?.id);
  });

  it('takes the name Apple gave the app, when it creates the account', async () => {
    const c: JWTPayload = {
      ...claims(),
      iss: world.apple.issuer,
      aud: 'com.example.gatehouse.web',
      email_verified: 'true',
    };
    const response = await exchange('apple', {
      id_token: await world.apple.signIdToken(c),
      name: 'Apple Person',
    });
    assert.equal(response.status, 200);
    assert.equal((await world.server.core.store.getUserByEmail(String(c.email)))?.name, 'Apple Person');
  });

  it('answers bad requests with problems: unknown provider, missing token, unknown client', async () => {
    await assertProblem(await exchange('myspace', { id_token: 'x' }), 404, 'not_found');
    await assertProblem(await exchange('google', {}), 400, 'invalid_request');
    await assertProblem(
      await exchange('google', { id_token: await world.google.signIdToken(claims()), client_id: 'nope' }),
      400,
      'invalid_request',
    );
  });
});

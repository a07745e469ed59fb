import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';
import { bearer, json, signIn, signUp } from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

const ELEVEN_MINUTES = 11 * 60 * 1000;

describe('security: an unconfirmed account cannot be pre-registered or hijacked by a repeat sign-up', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  it("a victim's later password sign-up wipes an attacker's passkey-only pre-registration", async () => {
    const attacker = new SoftAuthenticator({ origin: server.url });
    const email = 'victim@example.com';
    const stolen = await json<TokenResponseJson>(await signUp(server, attacker, email), 201);
    await server.smtp.waitFor({ to: email, kind: 'signup_code' }); // the attacker can't read this one
    clock.advance(ELEVEN_MINUTES);

    assert.equal(
      (await server.post('/v1/signup', { email, password: 'victims own passphrase' })).status,
      202,
    );
    const mail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
    assert.equal(
      (await server.post('/v1/signup/confirm', { email, code: extractCode(mail.text) })).status,
      200,
    );

    assert.equal((await server.get('/v1/me', bearer(stolen.access_token))).status, 401);
    assert.equal((await server.post('/v1/refresh', { refresh_token: stolen.refresh_token })).status, 400);
    assert.equal((await signIn(server, attacker, undefined)).status, 401);
    assert.equal((await server.signIn(email, 'victims own passphrase')).token_type, 'Bearer');
  });

  it("a second sign-up while the owner's code is live changes nothing: the owner's code confirms the owner's password", async () => {
    const email = 'owner@example.com';
    assert.equal((await server.post('/v1/signup', { email, password: 'owners passphrase 1' })).status, 202);
    const ownersMail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
    assert.equal((await server.post('/v1/signup', { email, password: 'attackers passphrase' })).status, 202);
    await server.smtp.waitFor({ to: email, kind: 'signup_existing' });
    assert.equal(
      (await server.post('/v1/signup/confirm', { email, code: extractCode(ownersMail.text) })).status,
      200,
    );
    assert.equal((await server.post('/v1/signin', { email, password: 'attackers passphrase' })).status, 401);
    assert.equal((await server.signIn(email, 'owners passphrase 1')).token_type, 'Bearer');
  });

  it('a password reset that confirms an email removes passkeys registered before the mailbox was proven', async () => {
    const attacker = new SoftAuthenticator({ origin: server.url });
    const email = 'reset-victim@example.com';
    await json<TokenResponseJson>(await signUp(server, attacker, email), 201);
    await server.smtp.waitFor({ to: email, kind: 'signup_code' });
    assert.equal((await server.post('/v1/password/forgot', { email })).status, 202);
    const reset = await server.smtp.waitFor({ to: email, kind: 'reset_code' });
    const done = await server.post('/v1/password/reset', {
      email,
      code: extractCode(reset.text),
      password: 'the real owner passphrase',
    });
    assert.equal(done.status, 200);
    assert.equal((await signIn(server, attacker, undefined)).status, 401);
  });
});

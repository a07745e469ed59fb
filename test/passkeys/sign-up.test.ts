import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';
import { bearer, json, problem, signIn, signUp, signUpOptions } from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

interface Me {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string | null;
}

describe('passkey-only sign-up (§6)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('creates the account from a passkey (201 token response); the emailed code then confirms the email', async () => {
    const auth = new SoftAuthenticator({ origin: server.url });
    const { flow_id, options } = await signUpOptions(server, ' Grace@Example.com ', 'Grace Hopper');
    assert.equal(options.user.name, 'grace@example.com');
    assert.equal(options.user.displayName, 'Grace Hopper');
    assert.equal(options.authenticatorSelection?.residentKey, 'required');
    assert.deepEqual(options.excludeCredentials, []);

    const response = await server.post('/v1/passkeys/signup/verify', {
      flow_id,
      response: auth.create(options),
    });
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const tokens = await json<TokenResponseJson>(response, 201);
    assert.deepEqual(decodeJwt(tokens.id_token ?? '')['amr'], ['swk', 'user', 'mfa']);
    const me = await json<Me>(await server.get('/v1/me', bearer(tokens.access_token)), 200);
    assert.deepEqual(
      { email: me.email, email_verified: me.email_verified, name: me.name },
      { email: 'grace@example.com', email_verified: false, name: 'Grace Hopper' },
    );
    // The options' user handle is the account's id.
    assert.equal(Buffer.from(options.user.id, 'base64url').toString(), me.sub);
    const user = await server.core.store.getUserById(me.sub);
    assert.equal(user?.passwordHash, null);
    assert.equal((await server.core.store.listPasskeysByUser(me.sub)).length, 1);

    // Unconfirmed: passkey sign-in answers like password sign-in does.
    await problem(await signIn(server, auth, 'grace@example.com'), 403, 'email_not_verified');

    const mail = await server.smtp.waitFor({ to: 'grace@example.com', kind: 'signup_code' });
    const confirm = await server.post('/v1/signup/confirm', {
      email: 'grace@example.com',
      code: extractCode(mail.text),
    });
    await json(confirm, 200);
    const confirmed = await json<Me>(await server.get('/v1/me', bearer(tokens.access_token)), 200);
    assert.equal(confirmed.email_verified, true);

    const again = await json<TokenResponseJson>(await signIn(server, auth, undefined), 200);
    const sub = decodeJwt(again.access_token).sub;
    assert.equal(sub, me.sub);
  });

  it('answers options for an existing email exactly as for a new one', async () => {
    await server.createConfirmedUser('taken@example.com', 'the owner password');
    const known = await signUpOptions(server, 'taken@example.com');
    const unknown = await signUpOptions(server, 'free@example.com');
    const shape = (o: typeof known) => ({
      ...o.options,
      challenge: typeof o.options.challenge,
      user: {
        ...o.options.user,
        id: Buffer.from(o.options.user.id, 'base64url').length,
        name: '',
        displayName: '',
      },
    });
    assert.deepEqual(shape(known), shape(unknown));
  });

  it('never attaches a passkey to an existing account: 202 verification_sent, and the owner is told', async () => {
    await server.createConfirmedUser('owner@example.com', 'the owner password');
    const owner = await server.core.store.getUserByEmail('owner@example.com');
    const attacker = new SoftAuthenticator({ origin: server.url });
    const response = await signUp(server, attacker, 'owner@example.com');
    assert.deepEqual(await json(response, 202), { status: 'verification_sent' });
    await server.smtp.waitFor({ to: 'owner@example.com', kind: 'signup_existing' });
    assert.deepEqual(await server.core.store.listPasskeysByUser(owner?.id ?? ''), []);
    assert.deepEqual(await server.core.store.getUserByEmail('owner@example.com'), owner);
    const [id] = attacker.credentials.keys();
    assert.equal(await server.core.store.getPasskey(id ?? ''), null);
    await problem(await signIn(server, attacker, undefined), 401, 'invalid_credentials');
  });

  it('does the same for an existing account that is not confirmed yet', async () => {
    const first = new SoftAuthenticator({ origin: server.url });
    await json(await signUp(server, first, 'pending@example.com'), 201);
    const second = new SoftAuthenticator({ origin: server.url });
    assert.deepEqual(await json(await signUp(server, second, 'pending@example.com'), 202), {
      status: 'verification_sent',
    });
    const user = await server.core.store.getUserByEmail('pending@example.com');
    assert.equal((await server.core.store.listPasskeysByUser(user?.id ?? '')).length, 1);
  });

  it('refuses a bad email (400) and a used flow (400)', async () => {
    await problem(
      await server.post('/v1/passkeys/signup/options', { email: 'nope' }),
      400,
      'invalid_request',
    );
    await problem(await server.post('/v1/passkeys/signup/options', {}), 400, 'invalid_request');
    const auth = new SoftAuthenticator({ origin: server.url });
    const { flow_id, options } = await signUpOptions(server, 'once@example.com');
    const body = { flow_id, response: auth.create(options) };
    await json(await server.post('/v1/passkeys/signup/verify', body), 201);
    await problem(await server.post('/v1/passkeys/signup/verify', body), 400, 'invalid_request');
  });

  it('does not accept a sign-up flow id at sign-in, and the failed attempt leaves it usable', async () => {
    const auth = new SoftAuthenticator({ origin: server.url });
    const signup = await signUpOptions(server, 'crossed@example.com');
    const registration = auth.create(signup.options);
    const asSignIn = await server.post('/v1/passkeys/signin/verify', {
      flow_id: signup.flow_id,
      response: {
        ...registration,
        response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
      },
    });
    await problem(asSignIn, 401, 'invalid_credentials');
    // The sign-up flow is untouched by that attempt.
    await json(
      await server.post('/v1/passkeys/signup/verify', { flow_id: signup.flow_id, response: registration }),
      201,
    );
  });
});

describe('passkey-only sign-up follows the sign-up rules', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: { signup: { enabled: true, allowed_email_domains: ['corp.example'] } },
    });
  });
  after(() => server.close());

  it('refuses a domain that may not sign up (403 email_domain_not_allowed)', async () => {
    const refused = await server.post('/v1/passkeys/signup/options', { email: 'x@elsewhere.example' });
    await problem(refused, 403, 'email_domain_not_allowed');
    await json(await server.post('/v1/passkeys/signup/options', { email: 'x@corp.example' }), 200);
  });
});

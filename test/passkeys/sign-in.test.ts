import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { bearer, json, problem, register, sessionAmr, signIn, signInOptions } from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

describe('passkey sign-in (§6)', () => {
  let server: TestServer;
  let synced: SoftAuthenticator;
  let securityKey: SoftAuthenticator;
  let credentialId: string;
  before(async () => {
    server = await startTestServer();
    synced = new SoftAuthenticator({ origin: server.url });
    securityKey = new SoftAuthenticator({
      origin: server.url,
      backupEligible: false,
      backedUp: false,
      counterStep: 1,
    });
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    const token = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;
    credentialId = (await json<{ id: string }>(await register(server, synced, token), 201)).id;
    await json(await register(server, securityKey, token), 201);
  });
  after(() => server.close());

  it("with an email: the options allow the account's credentials; a token response with amr swk", async () => {
    const { options } = await signInOptions(server, 'Ada@Example.com');
    const allowed = options.allowCredentials?.map((c) => c.id).sort();
    assert.deepEqual(allowed, [...synced.credentials.keys(), ...securityKey.credentials.keys()].sort());
    assert.equal(options.userVerification, 'required');
    assert.equal(options.rpId, '127.0.0.1');

    const response = await signIn(server, synced, 'ada@example.com');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const tokens = await json<TokenResponseJson>(response, 200);
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token);
    assert.deepEqual(decodeJwt(tokens.id_token ?? '')['amr'], ['swk', 'user', 'mfa']);
    assert.deepEqual(await sessionAmr(server, tokens.access_token), ['swk', 'user', 'mfa']);
    const me = await json<{ email: string }>(await server.get('/v1/me', bearer(tokens.access_token)), 200);
    assert.equal(me.email, 'ada@example.com');
  });

  it('discoverable, without an email: no allowCredentials, the user handle names the account', async () => {
    const { options } = await signInOptions(server);
    assert.equal(options.allowCredentials, undefined);
    const tokens = await json<TokenResponseJson>(await signIn(server, synced, undefined), 200);
    const me = await json<{ email: string }>(await server.get('/v1/me', bearer(tokens.access_token)), 200);
    assert.equal(me.email, 'ada@example.com');
  });

  it('a device-bound key with a counter gives amr hwk and moves the stored counter forward', async () => {
    const [id] = securityKey.credentials.keys();
    const before = (await server.core.store.getPasskey(id ?? ''))?.counter ?? -1;
    const tokens = await json<TokenResponseJson>(await signIn(server, securityKey, 'ada@example.com'), 200);
    assert.deepEqual(decodeJwt(tokens.id_token ?? '')['amr'], ['hwk', 'user', 'mfa']);
    const stored = await server.core.store.getPasskey(id ?? '');
    assert.equal(stored?.counter, before + 1);
    assert.ok(stored?.lastUsedAt);
  });

  it('accepts an authenticator without a counter (0 and 0) again and again', async () => {
    for (let i = 0; i < 3; i++) await json(await signIn(server, synced, undefined), 200);
    assert.equal((await server.core.store.getPasskey(credentialId))?.counter, 0);
  });

  it('honours client_id and scope like /v1/signin', async () => {
    const flow = await signInOptions(server, 'ada@example.com');
    const response = await server.post('/v1/passkeys/signin/verify', {
      flow_id: flow.flow_id,
      response: synced.get(flow.options),
      client_id: 'app',
      scope: 'openid email',
    });
    assert.equal((await json<TokenResponseJson>(response, 200)).scope, 'openid email');
    const unknown = await signInOptions(server, 'ada@example.com');
    const refused = await server.post('/v1/passkeys/signin/verify', {
      flow_id: unknown.flow_id,
      response: synced.get(unknown.options),
      client_id: 'nope',
    });
    await problem(refused, 400, 'invalid_request');
  });

  it('answers an email without passkeys with a stable decoy, shaped like a real allow list', async () => {
    await server.createConfirmedUser('nopasskey@example.com', 'only a password here');
    for (const email of ['nobody@example.com', 'nopasskey@example.com']) {
      const first = await signInOptions(server, email);
      const second = await signInOptions(server, email);
      assert.equal(first.options.allowCredentials?.length, 1);
      assert.deepEqual(first.options.allowCredentials, second.options.allowCredentials);
      assert.equal(Buffer.from(first.options.allowCredentials?.[0]?.id ?? '', 'base64url').length, 32);
      assert.equal(first.options.allowCredentials?.[0]?.type, 'public-key');
    }
    const a = await signInOptions(server, 'nobody@example.com');
    const b = await signInOptions(server, 'nopasskey@example.com');
    assert.notDeepEqual(a.options.allowCredentials, b.options.allowCredentials);
    // A real credential presented in a decoy flow fails like any other.
    const flow = await signInOptions(server, 'nobody@example.com');
    const answer = await server.post('/v1/passkeys/signin/verify', {
      flow_id: flow.flow_id,
      response: synced.get(flow.options, { credentialId }),
    });
    await problem(answer, 401, 'invalid_credentials');
  });

  it('refuses a bad email in the options (400), never a 5xx', async () => {
    await problem(
      await server.post('/v1/passkeys/signin/options', { email: 'not an email' }),
      400,
      'invalid_request',
    );
    await problem(await server.post('/v1/passkeys/signin/options', { email: 42 }), 400, 'invalid_request');
  });

  it('refuses a disabled account after the proof (403 account_disabled)', async () => {
    await server.createConfirmedUser('gone@example.com', 'soon to be disabled');
    const token = (await server.signIn('gone@example.com', 'soon to be disabled')).access_token;
    const auth = new SoftAuthenticator({ origin: server.url });
    await json(await register(server, auth, token), 201);
    const user = await server.core.store.getUserByEmail('gone@example.com');
    await server.core.store.updateUser(user?.id ?? '', { disabled: true }, Date.now());
    await problem(await signIn(server, auth, 'gone@example.com'), 403, 'account_disabled');
  });
});

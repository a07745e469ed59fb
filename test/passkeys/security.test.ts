import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import {
  bearer,
  json,
  type LogEntry,
  problem,
  recordingLogger,
  register,
  registrationOptions,
  signIn,
  signInOptions,
} from './ceremonies.ts';
import { FLAG, SoftAuthenticator } from './soft-authenticator.ts';

/**
 * Each case guards one rule of WebAuthn L3 §7.1/§7.2 or §6: a ceremony that breaks it is refused
 * with a 4xx problem, never a 5xx and never a session.
 */
describe('passkey ceremonies refuse what WebAuthn forbids', () => {
  let server: TestServer;
  const entries: LogEntry[] = [];
  let ada: string;
  let auth: SoftAuthenticator;
  let counted: SoftAuthenticator;
  before(async () => {
    server = await startTestServer({ overrides: { logger: recordingLogger(entries) } });
    auth = new SoftAuthenticator({ origin: server.url });
    counted = new SoftAuthenticator({
      origin: server.url,
      backupEligible: false,
      backedUp: false,
      counterStep: 1,
    });
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    ada = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;
    await json(await register(server, auth, ada), 201);
    await json(await register(server, counted, ada), 201);
  });
  after(() => server.close());

  const events = (event: string) => entries.filter((e) => e.event === event);
  /** The reason the last refusal of this ceremony logged: proves the case failed for its own rule. */
  const lastReason = (event: 'passkey_registration_refused' | 'passkey_signin_failed') =>
    String(events(event).at(-1)?.fields['reason']);

  describe('registration', () => {
    it('refuses another origin (400)', async () => {
      const answer = await register(server, new SoftAuthenticator({ origin: 'https://evil.example' }), ada);
      await problem(answer, 400, 'invalid_request');
      assert.match(lastReason('passkey_registration_refused'), /origin/);
    });

    it('refuses another RP ID hash (400)', async () => {
      await problem(
        await register(server, auth, ada, { overrides: { rpId: 'evil.example' } }),
        400,
        'invalid_request',
      );
      assert.match(lastReason('passkey_registration_refused'), /RP ID/);
    });

    it('refuses a credential made without user verification (400)', async () => {
      const answer = await register(server, auth, ada, { overrides: { withoutFlags: FLAG.UV } });
      await problem(answer, 400, 'invalid_request');
      assert.match(lastReason('passkey_registration_refused'), /User verification/);
    });

    it('refuses a creation response offered as another ceremony type (400)', async () => {
      await problem(
        await register(server, auth, ada, { overrides: { type: 'webauthn.get' } }),
        400,
        'invalid_request',
      );
      assert.match(lastReason('passkey_registration_refused'), /type/);
    });

    it('refuses a reused challenge: the same verify request twice gives 201 then 400', async () => {
      const flow = await registrationOptions(server, ada);
      const body = { flow_id: flow.flow_id, response: auth.create(flow.options) };
      await json(await server.post('/v1/passkeys/register/verify', body, bearer(ada)), 201);
      const replay = await server.post('/v1/passkeys/register/verify', body, bearer(ada));
      await problem(replay, 400, 'invalid_request');
    });

    it("refuses another flow's challenge (400)", async () => {
      const issued = await registrationOptions(server, ada);
      const flow = await registrationOptions(server, ada);
      const response = auth.create(flow.options, { challenge: issued.options.challenge });
      const answer = await server.post(
        '/v1/passkeys/register/verify',
        { flow_id: flow.flow_id, response },
        bearer(ada),
      );
      await problem(answer, 400, 'invalid_request');
      assert.match(lastReason('passkey_registration_refused'), /challenge/);
    });
  });

  describe('sign-in', () => {
    it('refuses another origin (401)', async () => {
      await problem(
        await signIn(server, auth, 'ada@example.com', { origin: 'https://evil.example' }),
        401,
        'invalid_credentials',
      );
      assert.match(lastReason('passkey_signin_failed'), /origin/);
    });

    it('refuses another RP ID hash (401)', async () => {
      await problem(
        await signIn(server, auth, 'ada@example.com', { rpId: 'evil.example' }),
        401,
        'invalid_credentials',
      );
      assert.match(lastReason('passkey_signin_failed'), /RP ID/);
    });

    it('refuses an assertion without user verification (401)', async () => {
      await problem(
        await signIn(server, auth, undefined, { withoutFlags: FLAG.UV }),
        401,
        'invalid_credentials',
      );
      assert.match(lastReason('passkey_signin_failed'), /User verification/);
    });

    it('refuses an assertion without user presence (401)', async () => {
      await problem(
        await signIn(server, auth, undefined, { withoutFlags: FLAG.UP }),
        401,
        'invalid_credentials',
      );
      assert.match(lastReason('passkey_signin_failed'), /not present/);
    });

    it('refuses a changed backup eligibility (401)', async () => {
      const flags = FLAG.UP | FLAG.UV; // BE dropped for a credential registered as multi-device
      await problem(await signIn(server, auth, undefined, { flags }), 401, 'invalid_credentials');
      assert.match(lastReason('passkey_signin_failed'), /backup eligibility/);
    });

    it('refuses a reused challenge: the same verify request twice gives 200 then 401', async () => {
      const flow = await signInOptions(server, 'ada@example.com');
      const body = { flow_id: flow.flow_id, response: auth.get(flow.options) };
      await json(await server.post('/v1/passkeys/signin/verify', body), 200);
      await problem(await server.post('/v1/passkeys/signin/verify', body), 401, 'invalid_credentials');
    });

    it('refuses an assertion replayed into a new flow (its challenge is the old one)', async () => {
      const first = await signInOptions(server, 'ada@example.com');
      const assertion = auth.get(first.options);
      await json(
        await server.post('/v1/passkeys/signin/verify', { flow_id: first.flow_id, response: assertion }),
        200,
      );
      const second = await signInOptions(server, 'ada@example.com');
      const replay = await server.post('/v1/passkeys/signin/verify', {
        flow_id: second.flow_id,
        response: assertion,
      });
      await problem(replay, 401, 'invalid_credentials');
      assert.match(lastReason('passkey_signin_failed'), /challenge/);
    });

    it('refuses an unknown flow id (401)', async () => {
      const flow = await signInOptions(server, 'ada@example.com');
      const answer = await server.post('/v1/passkeys/signin/verify', {
        flow_id: 'not-a-flow',
        response: auth.get(flow.options),
      });
      await problem(answer, 401, 'invalid_credentials');
    });

    it("refuses another user's credential in an email flow (401)", async () => {
      await server.createConfirmedUser('bob@example.com', 'bob password here');
      const bob = (await server.signIn('bob@example.com', 'bob password here')).access_token;
      const bobs = new SoftAuthenticator({ origin: server.url });
      const bobId = (await json<{ id: string }>(await register(server, bobs, bob), 201)).id;
      const answer = await signIn(server, bobs, 'ada@example.com', { credentialId: bobId });
      await problem(answer, 401, 'invalid_credentials');
      assert.equal((await server.core.store.getPasskey(bobId))?.lastUsedAt, null);
      assert.match(lastReason('passkey_signin_failed'), /another account/);
    });

    it("refuses a user handle that is not the credential owner's in a discoverable flow (401)", async () => {
      const other = Buffer.from('usr_someone-else').toString('base64url');
      await problem(await signIn(server, auth, undefined, { userHandle: other }), 401, 'invalid_credentials');
      assert.match(lastReason('passkey_signin_failed'), /user handle/);
    });

    it('refuses a discoverable assertion without a user handle (401)', async () => {
      await problem(await signIn(server, auth, undefined, { userHandle: null }), 401, 'invalid_credentials');
      assert.match(lastReason('passkey_signin_failed'), /user handle/);
    });

    it('checks a user handle in an email flow too when one is returned (401)', async () => {
      const other = Buffer.from('usr_someone-else').toString('base64url');
      await problem(
        await signIn(server, auth, 'ada@example.com', { userHandle: other }),
        401,
        'invalid_credentials',
      );
      await json(await signIn(server, auth, 'ada@example.com', { userHandle: null }), 200);
    });

    it('refuses a counter that does not increase (the same counter again) and logs an audit event', async () => {
      await json(await signIn(server, counted, 'ada@example.com'), 200);
      const [id] = counted.credentials.keys();
      const stored = (await server.core.store.getPasskey(id ?? ''))?.counter ?? 0;
      assert.ok(stored > 0);
      const before = events('passkey_counter_regression').length;
      const answer = await signIn(server, counted, 'ada@example.com', { counter: stored });
      await problem(answer, 401, 'invalid_credentials');
      const logged = events('passkey_counter_regression');
      assert.equal(logged.length, before + 1);
      assert.deepEqual(logged.at(-1)?.fields, {
        audit: true,
        sub: (await server.core.store.getUserByEmail('ada@example.com'))?.id,
        credential_id: id,
        stored_counter: stored,
        received_counter: stored,
      });
    });

    it('refuses a counter regression, logs it, and keeps the stored counter', async () => {
      await json(await signIn(server, counted, 'ada@example.com'), 200);
      const [id] = counted.credentials.keys();
      const stored = (await server.core.store.getPasskey(id ?? ''))?.counter ?? 0;
      const before = events('passkey_counter_regression').length;
      await problem(
        await signIn(server, counted, 'ada@example.com', { counter: stored - 1 }),
        401,
        'invalid_credentials',
      );
      await problem(await signIn(server, counted, undefined, { counter: 0 }), 401, 'invalid_credentials');
      assert.equal(events('passkey_counter_regression').length, before + 2);
      assert.equal((await server.core.store.getPasskey(id ?? ''))?.counter, stored);
      // The genuine authenticator, one step further, still works.
      await json(await signIn(server, counted, 'ada@example.com', { counter: stored + 1 }), 200);
    });

    it('refuses a forged signature without raising a counter alarm (401)', async () => {
      const before = events('passkey_counter_regression').length;
      const flow = await signInOptions(server, 'ada@example.com');
      const assertion = counted.get(flow.options, { counter: 0 });
      const forged = {
        ...assertion,
        response: { ...assertion.response, signature: auth.get(flow.options).response.signature },
      };
      await problem(
        await server.post('/v1/passkeys/signin/verify', { flow_id: flow.flow_id, response: forged }),
        401,
        'invalid_credentials',
      );
      assert.equal(events('passkey_counter_regression').length, before);
      assert.match(lastReason('passkey_signin_failed'), /signature/);
    });
  });
});

describe('passkey challenges expire after 5 minutes', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  it('refuses a sign-in, registration or sign-up flow 6 minutes old', async () => {
    const auth = new SoftAuthenticator({ origin: server.url });
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    const token = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;
    await json(await register(server, auth, token), 201);

    const signin = await signInOptions(server, 'ada@example.com');
    const registration = await registrationOptions(server, token);
    const signup = await json<{ flow_id: string; options: Parameters<SoftAuthenticator['create']>[0] }>(
      await server.post('/v1/passkeys/signup/options', { email: 'late@example.com' }),
      200,
    );
    clock.advance(6 * 60_000);
    const fresh = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;

    const lateSignIn = await server.post('/v1/passkeys/signin/verify', {
      flow_id: signin.flow_id,
      response: auth.get(signin.options),
    });
    await problem(lateSignIn, 401, 'invalid_credentials');
    const lateRegistration = await server.post(
      '/v1/passkeys/register/verify',
      { flow_id: registration.flow_id, response: auth.create(registration.options) },
      bearer(fresh),
    );
    await problem(lateRegistration, 400, 'invalid_request');
    const lateSignUp = await server.post('/v1/passkeys/signup/verify', {
      flow_id: signup.flow_id,
      response: auth.create(signup.options),
    });
    await problem(lateSignUp, 400, 'invalid_request');
    assert.equal(await server.core.store.getUserByEmail('late@example.com'), null);
  });

  it('still accepts a flow 4 minutes old', async () => {
    const auth = new SoftAuthenticator({ origin: server.url });
    await server.createConfirmedUser('bea@example.com', 'correct horse battery');
    const token = (await server.signIn('bea@example.com', 'correct horse battery')).access_token;
    await json(await register(server, auth, token), 201);
    const flow = await signInOptions(server, 'bea@example.com');
    clock.advance(4 * 60_000);
    const answer = await server.post('/v1/passkeys/signin/verify', {
      flow_id: flow.flow_id,
      response: auth.get(flow.options),
    });
    await json(answer, 200);
  });
});

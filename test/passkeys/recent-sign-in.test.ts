import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { expectProblem } from '../helpers/problem.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { bearer, register } from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

describe('security: adding a passkey needs a recent sign-in (a stolen access token is not lasting access)', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  it('refuses registration 11 minutes after sign-in, with a token that is otherwise still valid', async () => {
    await server.createConfirmedUser('stale@example.com', 'correct horse battery staple');
    const tokens = await server.signIn('stale@example.com', 'correct horse battery staple');
    clock.advance(11 * 60 * 1000);
    const refreshed = (await (
      await server.post('/v1/refresh', { refresh_token: tokens.refresh_token })
    ).json()) as {
      access_token: string;
    };
    assert.equal(
      (await server.get('/v1/me', bearer(refreshed.access_token))).status,
      200,
      'the token itself is fine',
    );
    await expectProblem(
      await server.post('/v1/passkeys/register/options', {}, bearer(refreshed.access_token)),
      403,
      'reauthentication_required',
    );
    const fresh = await server.signIn('stale@example.com', 'correct horse battery staple');
    const added = await register(server, new SoftAuthenticator({ origin: server.url }), fresh.access_token);
    assert.equal(added.status, 201);
  });
});

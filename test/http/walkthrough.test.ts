import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('README walkthrough over real HTTP, SQLite and SMTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('signs up, confirms, signs in, reads /v1/me, refreshes and signs out', async () => {
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    const tokens = await server.signIn('Ada@Example.com', 'correct horse battery');
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token?.startsWith('ghr_'));
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.iss, server.url);
    assert.equal(claims.aud, 'app');
    assert.equal(claims['client_id'], 'app');
    assert.match(String(claims.sub), /^usr_/);

    const me = await server.get('/v1/me', { authorization: `Bearer ${tokens.access_token}` });
    assert.equal(me.status, 200);
    const profile = (await me.json()) as Record<string, unknown>;
    assert.equal(profile['email'], 'ada@example.com');
    assert.equal(profile['email_verified'], true);
    assert.equal(profile['sub'], claims.sub);

    const refreshed = await server.post('/v1/refresh', { refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.headers.get('cache-control'), 'no-store');
    const next = (await refreshed.json()) as { refresh_token: string };
    assert.notEqual(next.refresh_token, tokens.refresh_token);

    const signout = await server.post('/v1/signout', { refresh_token: next.refresh_token });
    assert.equal(signout.status, 204);
    const afterSignout = await server.post('/v1/refresh', { refresh_token: next.refresh_token });
    assert.equal(afterSignout.status, 400);
    assert.equal(((await afterSignout.json()) as { code: string }).code, 'invalid_grant');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import {
  bearer,
  json,
  passkeyOnlyUser,
  problem,
  register,
  registrationOptions,
  signIn,
} from './ceremonies.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

interface Created {
  id: string;
  name: string;
  created_at: string;
}
interface Listed extends Created {
  last_used_at: string | null;
  backed_up: boolean;
}

describe('passkey registration and management (§6)', () => {
  let server: TestServer;
  let auth: SoftAuthenticator;
  let token: string;
  before(async () => {
    server = await startTestServer();
    auth = new SoftAuthenticator({ origin: server.url });
    await server.createConfirmedUser('ada@example.com', 'correct horse battery');
    token = (await server.signIn('ada@example.com', 'correct horse battery')).access_token;
  });
  after(() => server.close());

  it('offers creation options bound to the signed-in user, requiring UV and a discoverable credential', async () => {
    const { flow_id, options } = await registrationOptions(server, token);
    assert.ok(flow_id.length >= 40);
    assert.equal(options.rp.id, '127.0.0.1');
    assert.equal(options.user.name, 'ada@example.com');
    const me = await json<{ sub: string }>(await server.get('/v1/me', bearer(token)), 200);
    assert.equal(Buffer.from(options.user.id, 'base64url').toString(), me.sub);
    assert.ok(Buffer.from(options.challenge, 'base64url').length >= 16);
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.authenticatorSelection?.residentKey, 'required');
    assert.equal(options.attestation, 'none');
    assert.equal(options.timeout, 300_000);
  });

  it('registers a passkey (201 {id, name, created_at}) and excludes it from later options', async () => {
    const response = await register(server, auth, token, { name: '  Work laptop ' });
    const created = await json<Created>(response, 201);
    assert.deepEqual(Object.keys(created).sort(), ['created_at', 'id', 'name']);
    assert.equal(created.name, 'Work laptop');
    assert.ok(auth.credentials.has(created.id));
    assert.ok(!Number.isNaN(Date.parse(created.created_at)));

    const stored = await server.core.store.getPasskey(created.id);
    assert.deepEqual(stored?.transports, ['internal', 'hybrid']);
    assert.equal(stored?.deviceType, 'multiDevice');
    assert.equal(stored?.backedUp, true);
    assert.equal(stored?.aaguid, '00000000-0000-0000-0000-000000000000');

    const { options } = await registrationOptions(server, token);
    assert.ok(options.excludeCredentials?.some((c) => c.id === created.id));
  });

  it('names a passkey "Passkey" by default and refuses an unusable name before spending the flow', async () => {
    const created = await json<Created>(await register(server, auth, token), 201);
    assert.equal(created.name, 'Passkey');

    const flow = await registrationOptions(server, token);
    const response = auth.create(flow.options);
    const blank = await server.post(
      '/v1/passkeys/register/verify',
      { flow_id: flow.flow_id, response, name: '   ' },
      bearer(token),
    );
    await problem(blank, 400, 'invalid_request');
    const fixed = await server.post(
      '/v1/passkeys/register/verify',
      { flow_id: flow.flow_id, response, name: 'Phone' },
      bearer(token),
    );
    assert.equal((await json<Created>(fixed, 201)).name, 'Phone');
  });

  it('lists, renames and deletes passkeys', async () => {
    const created = await json<Created>(await register(server, auth, token, { name: 'Key' }), 201);
    const list = await json<Listed[]>(await server.get('/v1/passkeys', bearer(token)), 200);
    const item = list.find((p) => p.id === created.id);
    assert.deepEqual(item, { ...created, last_used_at: null, backed_up: true });

    const patch = await fetch(`${server.url}/v1/passkeys/${created.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    assert.equal((await json<Listed>(patch, 200)).name, 'Renamed');

    const del = await fetch(`${server.url}/v1/passkeys/${created.id}`, {
      method: 'DELETE',
      headers: bearer(token),
    });
    assert.equal(del.status, 204);
    const again = await fetch(`${server.url}/v1/passkeys/${created.id}`, {
      method: 'DELETE',
      headers: bearer(token),
    });
    await problem(again, 404, 'not_found');
    const after = await json<Listed[]>(await server.get('/v1/passkeys', bearer(token)), 200);
    assert.ok(!after.some((p) => p.id === created.id));
  });

  it('records the last use in the list after a sign-in', async () => {
    const solo = new SoftAuthenticator({ origin: server.url });
    const created = await json<Created>(await register(server, solo, token), 201);
    await json(await signIn(server, solo, 'ada@example.com'), 200);
    const list = await json<Listed[]>(await server.get('/v1/passkeys', bearer(token)), 200);
    assert.ok(list.find((p) => p.id === created.id)?.last_used_at);
  });

  it("cannot see, rename or delete another user's passkey (404)", async () => {
    const mine = await json<Created>(await register(server, auth, token), 201);
    await server.createConfirmedUser('bob@example.com', 'another fine password');
    const bob = (await server.signIn('bob@example.com', 'another fine password')).access_token;
    assert.deepEqual(await json(await server.get('/v1/passkeys', bearer(bob)), 200), []);
    const patch = await fetch(`${server.url}/v1/passkeys/${mine.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...bearer(bob) },
      body: JSON.stringify({ name: 'mine now' }),
    });
    await problem(patch, 404, 'not_found');
    const del = await fetch(`${server.url}/v1/passkeys/${mine.id}`, {
      method: 'DELETE',
      headers: bearer(bob),
    });
    await problem(del, 404, 'not_found');
    assert.equal((await server.core.store.getPasskey(mine.id))?.name, 'Passkey');
  });

  it('refuses a credential id registered already, to this or another user (409 passkey_exists)', async () => {
    const first = await json<Created>(await register(server, auth, token), 201);
    const again = await register(server, auth, token, { overrides: { reuse: first.id } });
    await problem(again, 409, 'passkey_exists');

    await server.createConfirmedUser('eve@example.com', 'eve has a password');
    const eve = (await server.signIn('eve@example.com', 'eve has a password')).access_token;
    await problem(
      await register(server, auth, eve, { overrides: { reuse: first.id } }),
      409,
      'passkey_exists',
    );
    assert.equal(
      (await server.core.store.getPasskey(first.id))?.userId,
      (await server.core.store.getUserByEmail('ada@example.com'))?.id,
    );
  });

  it('requires a Bearer token for every management route (401)', async () => {
    await problem(await server.post('/v1/passkeys/register/options', {}), 401, 'invalid_token');
    await problem(await server.post('/v1/passkeys/register/verify', {}), 401, 'invalid_token');
    await problem(await server.get('/v1/passkeys'), 401, 'invalid_token');
    await problem(await fetch(`${server.url}/v1/passkeys/x`, { method: 'DELETE' }), 401, 'invalid_token');
  });

  it('refuses to finish a registration flow another user started (400)', async () => {
    const flow = await registrationOptions(server, token);
    await server.createConfirmedUser('mallory@example.com', 'mallory password 1');
    const mallory = (await server.signIn('mallory@example.com', 'mallory password 1')).access_token;
    const response = auth.create(flow.options);
    const answer = await server.post(
      '/v1/passkeys/register/verify',
      { flow_id: flow.flow_id, response },
      bearer(mallory),
    );
    await problem(answer, 400, 'invalid_request');
    assert.equal(await server.core.store.getPasskey(response.id), null);
  });

  describe('the last sign-in method', () => {
    it('refuses to delete the only passkey of a passkey-only account (409 last_sign_in_method)', async () => {
      const solo = new SoftAuthenticator({ origin: server.url });
      const tokens = await passkeyOnlyUser(server, solo, 'solo@example.com');
      const [only] = await json<Listed[]>(await server.get('/v1/passkeys', bearer(tokens.access_token)), 200);
      assert.ok(only);
      const refused = await fetch(`${server.url}/v1/passkeys/${only.id}`, {
        method: 'DELETE',
        headers: bearer(tokens.access_token),
      });
      const body = await problem(refused, 409, 'last_sign_in_method');
      assert.match(body.detail, /only way to sign in/);
      assert.notEqual(await server.core.store.getPasskey(only.id), null);

      // With a second passkey, either can go, but not both.
      const second = await json<Created>(await register(server, solo, tokens.access_token), 201);
      const del = (id: string) =>
        fetch(`${server.url}/v1/passkeys/${id}`, { method: 'DELETE', headers: bearer(tokens.access_token) });
      assert.equal((await del(only.id)).status, 204);
      await problem(await del(second.id), 409, 'last_sign_in_method');
    });

    it('lets a passkey-only account with a linked identity delete its only passkey', async () => {
      const solo = new SoftAuthenticator({ origin: server.url });
      const tokens = await passkeyOnlyUser(server, solo, 'linked@example.com');
      const me = await json<{ sub: string }>(await server.get('/v1/me', bearer(tokens.access_token)), 200);
      await server.core.store.linkIdentity({
        id: 'idn_test',
        userId: me.sub,
        issuer: 'https://accounts.google.com',
        subject: 'google-subject-1',
        provider: 'google',
        email: 'linked@gmail.com',
        createdAt: Date.now(),
      });
      const [only] = await json<Listed[]>(await server.get('/v1/passkeys', bearer(tokens.access_token)), 200);
      const del = await fetch(`${server.url}/v1/passkeys/${only?.id}`, {
        method: 'DELETE',
        headers: bearer(tokens.access_token),
      });
      assert.equal(del.status, 204);
    });

    it('lets an account with a password delete its only passkey', async () => {
      await server.createConfirmedUser('pw@example.com', 'a password to fall back on');
      const pw = (await server.signIn('pw@example.com', 'a password to fall back on')).access_token;
      const created = await json<Created>(await register(server, auth, pw), 201);
      const del = await fetch(`${server.url}/v1/passkeys/${created.id}`, {
        method: 'DELETE',
        headers: bearer(pw),
      });
      assert.equal(del.status, 204);
    });
  });
});

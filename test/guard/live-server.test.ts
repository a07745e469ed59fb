/**
 * The API toolkit (gatehouse/guard, its Hono and Express middleware, the AWS authorizers) against
 * a real Gatehouse: real HTTP on loopback, real SQLite, real SMTP capture, real signing keys, and
 * key rotation done by the real CLI in another process sharing the SQLite file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import express from 'express';
import { Hono } from 'hono';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  createHttpApiAuthorizer,
  createRequestAuthorizer,
  createTokenAuthorizer,
} from '../../src/aws/authorizers.ts';
import type { Clock } from '../../src/core/clock.ts';
import { requireAuth as requireAuthExpress } from '../../src/guard/express.ts';
import { type AuthEnv, requireAuth as requireAuthHono } from '../../src/guard/hono.ts';
import { createVerifier, GuardError, type Verifier } from '../../src/guard/index.ts';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { httpApiEvent, requestEvent, STAGE_ARN, tokenEvent } from './aws-events.ts';

const run = promisify(execFile);
const AUDIENCE = 'https://api.example.com';
const PASSWORD = 'live server toolkit password';
const ROOT = join(import.meta.dirname, '..', '..');

const CONFIG = {
  clients: [
    {
      client_id: 'app',
      token_endpoint_auth_method: 'none',
      audience: AUDIENCE,
      scopes: [
        'openid',
        'profile',
        'email',
        'offline_access',
        'expenses:read',
        'expenses:write',
        'admin:users',
      ],
      grant_types: ['authorization_code', 'refresh_token'],
      first_party: true,
    },
  ],
  roles: { admin: ['admin:users', 'expenses:write'], member: ['expenses:read'] },
  default_roles: ['member'],
};

/**
 * Real time plus an offset the test can move forward. Shared by the server and the verifier (an
 * API and its issuer agree on the time), so the server's one-minute key-ring cache can expire
 * without the test sleeping a minute.
 */
class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

async function jwksKids(server: TestServer): Promise<string[]> {
  const res = await server.get('/.well-known/jwks.json');
  assert.equal(res.status, 200);
  const { keys } = (await res.json()) as { keys: Array<{ kid: string; d?: unknown }> };
  for (const key of keys) assert.equal(key.d, undefined, 'no private member in the JWKS');
  return keys.map((k) => k.kid);
}

describe('the toolkit against a live Gatehouse', () => {
  const clock = new OffsetClock();
  let server: TestServer;
  let verifier: Verifier;
  let member: TokenResponseJson;
  let memberSub: string;
  let cliEnv: NodeJS.ProcessEnv;
  /** JWKS documents the main verifier fetched (real fetch, only counted). */
  let jwksFetches = 0;
  const countingFetch: typeof fetch = (input, init) => {
    if (String(input).endsWith('/.well-known/jwks.json')) jwksFetches += 1;
    return fetch(input, init);
  };

  const cli = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(process.execPath, ['src/runtime/cli.ts', ...args], {
      cwd: ROOT,
      env: cliEnv,
      timeout: 30_000,
    });
    return stdout;
  };

  before(async () => {
    server = await startTestServer({ config: CONFIG, overrides: { clock } });
    cliEnv = {
      ...process.env,
      GATEHOUSE_DATA_DIR: server.dataDir,
      GATEHOUSE_ISSUER: server.url,
      GATEHOUSE_CONFIG: join(server.dataDir, 'config.json'),
      NODE_ENV: 'test',
    };
    await server.createConfirmedUser('member@example.com', PASSWORD);
    member = await server.signIn('member@example.com', PASSWORD);
    const me = await server.get('/v1/me', { authorization: `Bearer ${member.access_token}` });
    assert.equal(me.status, 200);
    memberSub = ((await me.json()) as { sub: string }).sub;
    verifier = createVerifier({ issuer: server.url, audience: AUDIENCE, clock, fetch: countingFetch });
  });
  after(() => server.close());

  describe('createVerifier', () => {
    it('verifies a real access token: sub, scope and roles as issued', async () => {
      const claims = await verifier.verify(member.access_token);
      assert.equal(claims.sub, memberSub);
      assert.equal(claims.iss, server.url);
      assert.equal(claims.aud, AUDIENCE);
      assert.equal(claims.client_id, 'app');
      assert.deepEqual(claims.roles, ['member']);
      assert.equal(claims.email, 'member@example.com');
      assert.equal(typeof claims.sid, 'string');
      const scopes = claims.scope.split(' ');
      for (const s of ['openid', 'profile', 'email', 'offline_access', 'expenses:read'])
        assert.ok(scopes.includes(s), s);
      // role-bound scopes the member's roles do not grant are not in the token
      assert.ok(!scopes.includes('expenses:write'));
      assert.ok(!scopes.includes('admin:users'));
      assert.equal(claims.scope, member.scope);
    });

    it('rejects the real ID token (typ and audience are not an access token’s)', async () => {
      assert.ok(member.id_token, 'sign-in with openid returns an ID token');
      assert.equal(decodeJwt(member.id_token).aud, 'app');
      await assert.rejects(
        verifier.verify(member.id_token),
        (error: unknown) => error instanceof GuardError && error.code === 'invalid_token',
      );
    });

    it('rejects the real access token for another audience, and a tampered one', async () => {
      const other = createVerifier({ issuer: server.url, audience: 'https://other.example.com', clock });
      await assert.rejects(other.verify(member.access_token), { code: 'invalid_token' });
      const [h, p, s] = member.access_token.split('.');
      const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
      payload['roles'] = ['admin'];
      const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      await assert.rejects(verifier.verify(forged), { code: 'invalid_token' });
    });
  });

  describe('gatehouse/guard/hono', () => {
    const app = () => {
      const hono = new Hono<AuthEnv>();
      hono.get('/expenses', requireAuthHono({ verifier, scopes: ['expenses:read'] }), (c) =>
        c.json({ sub: c.get('auth').sub, roles: c.get('auth').roles }),
      );
      hono.post('/expenses', requireAuthHono({ verifier, scopes: ['expenses:write'] }), (c) =>
        c.text('created', 201),
      );
      return hono;
    };

    it('200 with c.get("auth") for a scope the token holds', async () => {
      const res = await app().request('/expenses', {
        headers: { authorization: `Bearer ${member.access_token}` },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { sub: memberSub, roles: ['member'] });
    });

    it('403 insufficient_scope for a scope it lacks; 401 without a token', async () => {
      const res = await app().request('/expenses', {
        method: 'POST',
        headers: { authorization: `Bearer ${member.access_token}` },
      });
      assert.equal(res.status, 403);
      assert.equal(
        res.headers.get('www-authenticate'),
        'Bearer error="insufficient_scope", scope="expenses:write"',
      );
      assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
      const none = await app().request('/expenses');
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    });
  });

  describe('gatehouse/guard/express on a listening app', () => {
    let api: Server;
    let base: string;
    before(async () => {
      const app = express();
      app.get('/expenses', requireAuthExpress({ verifier, scopes: ['expenses:read'] }), (req, res) => {
        res.json({ sub: req.auth?.sub, scope: req.auth?.scope });
      });
      app.post('/expenses', requireAuthExpress({ verifier, scopes: ['expenses:write'] }), (_req, res) => {
        res.status(201).send('created');
      });
      api = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    });
    after(async () => {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    });

    it('200 with req.auth for a scope the token holds', async () => {
      const res = await fetch(`${base}/expenses`, {
        headers: { authorization: `Bearer ${member.access_token}` },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { sub: memberSub, scope: member.scope });
    });

    it('403 insufficient_scope for a scope it lacks; 401 invalid_token for the ID token', async () => {
      const res = await fetch(`${base}/expenses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${member.access_token}` },
      });
      assert.equal(res.status, 403);
      assert.equal(
        res.headers.get('www-authenticate'),
        'Bearer error="insufficient_scope", scope="expenses:write"',
      );
      const idToken = await fetch(`${base}/expenses`, {
        headers: { authorization: `Bearer ${member.id_token}` },
      });
      assert.equal(idToken.status, 401);
      assert.equal(idToken.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    });
  });

  describe('gatehouse/aws authorizers', () => {
    const context = () => ({
      sub: memberSub,
      client_id: 'app',
      email: 'member@example.com',
      scope: member.scope,
      roles: 'member',
    });
    const policy = (effect: 'Allow' | 'Deny') => ({
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: STAGE_ARN }],
    });

    it('TOKEN authorizer (discovering the keys itself): Allow with principalId = sub, Deny for a missing scope', async () => {
      const allow = createTokenAuthorizer({
        issuer: server.url,
        audience: AUDIENCE,
        scopes: ['expenses:read'],
      });
      const allowed = await allow(tokenEvent(`Bearer ${member.access_token}`));
      assert.deepEqual(allowed, {
        principalId: memberSub,
        policyDocument: policy('Allow'),
        context: context(),
      });
      for (const value of Object.values(allowed.context)) assert.equal(typeof value, 'string');

      const deny = createTokenAuthorizer({
        issuer: server.url,
        audience: AUDIENCE,
        scopes: ['expenses:write'],
      });
      const denied = await deny(tokenEvent(`Bearer ${member.access_token}`));
      assert.deepEqual(denied, {
        principalId: memberSub,
        policyDocument: policy('Deny'),
        context: context(),
      });

      await assert.rejects(allow(tokenEvent(`Bearer ${member.id_token}`)), { message: 'Unauthorized' });
    });

    it('REQUEST authorizer reads the Authorization header', async () => {
      const allow = createRequestAuthorizer({ verifier, scopes: ['expenses:read'] });
      const allowed = await allow(requestEvent({ Authorization: `Bearer ${member.access_token}` }));
      assert.deepEqual(allowed, {
        principalId: memberSub,
        policyDocument: policy('Allow'),
        context: context(),
      });
      const deny = createRequestAuthorizer({ verifier, scopes: ['admin:users'] });
      const denied = await deny(requestEvent({ Authorization: `Bearer ${member.access_token}` }));
      assert.equal(denied.policyDocument.Statement[0]?.Effect, 'Deny');
      await assert.rejects(allow(requestEvent({})), { message: 'Unauthorized' });
    });

    it('HTTP API authorizer: simple responses', async () => {
      const allow = createHttpApiAuthorizer({ verifier, scopes: ['expenses:read'] });
      assert.deepEqual(await allow(httpApiEvent({ authorization: `Bearer ${member.access_token}` })), {
        isAuthorized: true,
        context: context(),
      });
      const deny = createHttpApiAuthorizer({ verifier, scopes: ['expenses:write'] });
      assert.deepEqual(await deny(httpApiEvent({ authorization: `Bearer ${member.access_token}` })), {
        isAuthorized: false,
      });
    });
  });

  it('roles from a CLI-created admin (same SQLite file) reach the token and the middleware', async () => {
    const created = JSON.parse(
      await cli('users', 'create', '--email', 'admin@example.com', '--password', PASSWORD, '--role', 'admin'),
    ) as { sub: string; roles: string[] };
    assert.deepEqual(created.roles, ['admin']);
    const admin = await server.signIn('admin@example.com', PASSWORD);
    const claims = await verifier.verify(admin.access_token);
    assert.equal(claims.sub, created.sub);
    assert.deepEqual(claims.roles, ['admin']);
    const scopes = claims.scope.split(' ');
    assert.ok(scopes.includes('expenses:write') && scopes.includes('admin:users'));
    assert.ok(!scopes.includes('expenses:read'), 'admin role alone does not grant expenses:read');

    const hono = new Hono<AuthEnv>();
    hono.get('/admin', requireAuthHono({ verifier, roles: ['admin'], scopes: ['admin:users'] }), (c) =>
      c.text(c.get('auth').sub),
    );
    const ok = await hono.request('/admin', { headers: { authorization: `Bearer ${admin.access_token}` } });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), created.sub);
    const no = await hono.request('/admin', { headers: { authorization: `Bearer ${member.access_token}` } });
    assert.equal(no.status, 403);
  });

  it('key rotation by the CLI: tokens signed before keep verifying; the pre-published key takes over', async () => {
    const oldKid = decodeProtectedHeader(member.access_token).kid;
    assert.ok(oldKid);
    const before = await jwksKids(server);
    assert.equal(before.length, 2, 'current + next');
    assert.ok(before.includes(oldKid));
    const nextKid = before.find((kid) => kid !== oldKid);
    assert.equal(jwksFetches, 1, 'the warm verifier fetched the JWKS once, before rotation');

    const rotated = JSON.parse(await cli('keys', 'rotate')) as {
      retired: string;
      current: string;
      next: string;
    };
    assert.equal(rotated.retired, oldKid);
    assert.equal(rotated.current, nextKid, 'the published next key is promoted');

    // Right after rotation: the old token verifies, with the warm verifier and with a cold one
    // that fetches the JWKS now.
    assert.equal((await verifier.verify(member.access_token)).sub, memberSub);
    const cold = createVerifier({ issuer: server.url, audience: AUDIENCE, clock });
    assert.equal((await cold.verify(member.access_token)).sub, memberSub);
    assert.ok((await jwksKids(server)).includes(oldKid));

    // Past the server's one-minute key-ring cache, it signs with the promoted key and publishes
    // the new next key, while the retired one stays in the JWKS.
    clock.offsetMs += 61_000;
    const fresh = await server.signIn('member@example.com', PASSWORD);
    assert.equal(decodeProtectedHeader(fresh.access_token).kid, rotated.current);
    const after = await jwksKids(server);
    assert.deepEqual(new Set(after), new Set([rotated.current, rotated.next, oldKid]));

    // The warm verifier already held the promoted key (published before it signed), so it
    // accepts the new token, and it still accepts the old one.
    assert.equal((await verifier.verify(fresh.access_token)).sub, memberSub);
    assert.equal((await verifier.verify(member.access_token)).sub, memberSub);
    assert.equal(jwksFetches, 1, 'no refetch was needed');
    const coldAfter = createVerifier({ issuer: server.url, audience: AUDIENCE, clock });
    assert.equal((await coldAfter.verify(member.access_token)).sub, memberSub);
    assert.equal((await coldAfter.verify(fresh.access_token)).sub, memberSub);
  });
});

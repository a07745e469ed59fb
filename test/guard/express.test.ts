import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { requireAuth } from '../../src/guard/express.ts';
import { createVerifier } from '../../src/guard/index.ts';
import { TestIssuer } from './test-issuer.ts';

const AUDIENCE = 'https://api.example.test';

describe('gatehouse/guard/express requireAuth', () => {
  let issuer: TestIssuer;
  let server: Server;
  let base: string;

  before(async () => {
    issuer = await TestIssuer.start(['ES256']);
    const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    const app = express();
    app.get('/me', requireAuth({ verifier }), (req, res) => {
      res.json({ sub: req.auth?.sub, scope: req.auth?.scope });
    });
    app.get('/orders', requireAuth({ verifier, scopes: ['orders:write', 'orders:read'] }), (_req, res) => {
      res.send('ok');
    });
    app.get('/billing', requireAuth({ verifier, roles: ['billing'], realm: 'api' }), (_req, res) => {
      res.send('ok');
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await issuer.close();
  });

  const get = (path: string, authorization?: string) =>
    fetch(base + path, { headers: authorization === undefined ? {} : { authorization } });

  it('401 bare challenge without a token', async () => {
    const res = await get('/me');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  });

  it('401 invalid_token for a forged token', async () => {
    const token = await issuer.sign(issuer.key('ES256'), { header: { jku: 'http://127.0.0.1:1/jwks' } });
    const res = await get('/me', `Bearer ${token}`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_token');
  });

  it('200 with req.auth set', async () => {
    const res = await get('/me', `bearer ${await issuer.sign(issuer.key('ES256'))}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: 'user-123', scope: 'openid email orders:read' });
  });

  it('403 insufficient_scope listing every required scope', async () => {
    const res = await get('/orders', `Bearer ${await issuer.sign(issuer.key('ES256'))}`);
    assert.equal(res.status, 403);
    assert.equal(
      res.headers.get('www-authenticate'),
      'Bearer error="insufficient_scope", scope="orders:write orders:read"',
    );
  });

  it('roles: 200 when held, 403 when not', async () => {
    const ok = await get('/billing', `Bearer ${await issuer.sign(issuer.key('ES256'))}`);
    assert.equal(ok.status, 200);
    const token = await issuer.sign(issuer.key('ES256'), { claims: { roles: ['admin'] } });
    const denied = await get('/billing', `Bearer ${token}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('www-authenticate'), 'Bearer realm="api", error="insufficient_scope"');
  });
});

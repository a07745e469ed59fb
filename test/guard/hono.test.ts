import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { type AuthEnv, requireAuth } from '../../src/guard/hono.ts';
import { createVerifier, type Verifier } from '../../src/guard/index.ts';
import { TestIssuer } from './test-issuer.ts';

const AUDIENCE = 'https://api.example.test';

describe('gatehouse/guard/hono requireAuth', () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  let app: Hono<AuthEnv>;

  before(async () => {
    issuer = await TestIssuer.start(['RS256']);
    verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    app = new Hono<AuthEnv>();
    app.get('/me', requireAuth({ verifier }), (c) =>
      c.json({ sub: c.get('auth').sub, roles: c.get('auth').roles }),
    );
    app.get('/orders', requireAuth({ verifier, scopes: ['orders:read'] }), (c) => c.text('ok'));
    app.post('/orders', requireAuth({ verifier, scopes: ['orders:write'], realm: 'shop' }), (c) =>
      c.text('ok'),
    );
    app.get('/admin', requireAuth({ verifier, roles: ['root'] }), (c) => c.text('ok'));
  });
  after(() => issuer.close());

  const bearer = (token: string, scheme = 'Bearer') => ({ headers: { authorization: `${scheme} ${token}` } });

  it('401 with a bare Bearer challenge when no token is sent', async () => {
    const res = await app.request('/me');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
  });

  it('401 without error attribute for another auth scheme', async () => {
    const res = await app.request('/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  });

  it('carries the realm when configured', async () => {
    const res = await app.request('/orders', { method: 'POST' });
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="shop"');
  });

  it('401 invalid_token for a bad token', async () => {
    const res = await app.request('/me', bearer('not.a.token'));
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.deepEqual(await res.json(), {
      error: 'invalid_token',
      error_description: 'The access token is not valid',
    });
  });

  it('401 invalid_token for "Bearer" with no credentials', async () => {
    const res = await app.request('/me', { headers: { authorization: 'Bearer' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  it('401 invalid_token for an ID token (typ JWT)', async () => {
    const token = await issuer.sign(issuer.key('RS256'), { header: { typ: 'JWT' } });
    const res = await app.request('/me', bearer(token));
    assert.equal(res.status, 401);
  });

  it('200 with claims in c.get("auth"); scheme is case-insensitive', async () => {
    const token = await issuer.sign(issuer.key('RS256'));
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await app.request('/me', bearer(token, scheme));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { sub: 'user-123', roles: ['admin', 'billing'] });
    }
  });

  it('200 when the required scope is granted', async () => {
    const res = await app.request('/orders', bearer(await issuer.sign(issuer.key('RS256'))));
    assert.equal(res.status, 200);
  });

  it('403 insufficient_scope naming the required scopes', async () => {
    const res = await app.request('/orders', {
      method: 'POST',
      ...bearer(await issuer.sign(issuer.key('RS256'))),
    });
    assert.equal(res.status, 403);
    assert.equal(
      res.headers.get('www-authenticate'),
      'Bearer realm="shop", error="insufficient_scope", scope="orders:write"',
    );
    assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
  });

  it('403 insufficient_scope (no scope attribute) for a missing role', async () => {
    const res = await app.request('/admin', bearer(await issuer.sign(issuer.key('RS256'))));
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="insufficient_scope"');
  });

  it('503 (no challenge) when the issuer keys are unavailable', async () => {
    const down = await TestIssuer.start(['RS256']);
    try {
      down.jwksMode = 'error';
      const downApp = new Hono<AuthEnv>();
      const downVerifier = createVerifier({ issuer: down.issuer, audience: AUDIENCE });
      downApp.get('/me', requireAuth({ verifier: downVerifier }), (c) => c.text('never'));
      const res = await downApp.request('/me', bearer(await down.sign(down.key('RS256'))));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('www-authenticate'), null);
    } finally {
      await down.close();
    }
  });
});

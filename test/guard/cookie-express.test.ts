/** Cookie mode in Express, over real HTTP on loopback, against a live Gatehouse. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import {
  type CookieSession,
  cookieAuth,
  cookieAuthRoutes,
  createCookieSession,
} from '../../src/guard/express.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { signedInBrowser } from '../oauth/fixtures.ts';
import {
  AUDIENCE,
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  cookieModeConfig,
  openSessionCookie,
  SESSION_SECRET,
  signIn,
  sleep,
} from './cookie-fixtures.ts';

const SESSION = '__Host-session';
const CSRF = '__Host-session_csrf';

describe('gatehouse/guard/express cookie mode', () => {
  let server: TestServer;
  let session: CookieSession;
  let http: Server;
  let appUrl: string;
  let gatehouseCookie: string;

  before(async () => {
    appUrl = `http://127.0.0.1:${await freePort()}`;
    server = await startTestServer({ config: cookieModeConfig([appUrl], { access_ttl: 2 }) });
    session = createCookieSession({
      issuer: server.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${appUrl}/auth/callback`,
      secret: SESSION_SECRET,
      audience: AUDIENCE,
      scope: 'openid email offline_access notes:read',
    });
    const app = express();
    app.use('/auth', cookieAuthRoutes(session));
    app.use('/api', express.json(), cookieAuth({ session }));
    app.get('/api/me', (req, res) => {
      res.json({ sub: req.auth?.sub, email: req.authSession?.user.email, scope: req.auth?.scope });
    });
    app.post('/api/notes', (req, res) => {
      res.status(201).json({ text: (req.body as { text?: string }).text });
    });
    app.get('/api/admin', cookieAuth({ session, roles: ['admin'] }), (_req, res) => {
      res.send('never');
    });
    http = await new Promise<Server>((resolve) => {
      const s = app.listen(Number(new URL(appUrl).port), '127.0.0.1', () => resolve(s));
    });
    ({ cookie: gatehouseCookie } = await signedInBrowser(server, 'express-cookie@example.com'));
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await server.close();
  });

  const browser = () => new Browser((url, init) => fetch(url, { ...init, redirect: 'manual' }), appUrl);
  const signedIn = async (returnTo = '/') => {
    const b = browser();
    const callback = await signIn(b, server, gatehouseCookie, returnTo);
    return { b, callback };
  };
  const postNote = (b: Browser, csrf?: string) =>
    b.request('/api/notes', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }),
      },
      body: JSON.stringify({ text: 'hi' }),
    });

  it('signs in over HTTP and sets req.auth and req.authSession', async () => {
    const { b, callback } = await signedIn('/dashboard?tab=1');
    assert.equal(callback.headers.get('location'), '/dashboard?tab=1');
    for (const cookie of callback.headers.getSetCookie().filter((c) => c.startsWith(`${SESSION}=`))) {
      assert.match(cookie, /; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/);
    }
    const me = await b.request('/api/me');
    assert.equal(me.status, 200);
    const body = (await me.json()) as { sub: string; email: string; scope: string };
    assert.equal(body.email, 'express-cookie@example.com');
    assert.match(body.scope, /notes:read/);
  });

  it('401 JSON without a session; open redirects refused at login', async () => {
    const res = await browser().request('/api/me');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
    for (const bad of ['//evil.com', 'https://evil.com']) {
      const login = await browser().request(`/auth/login?return_to=${encodeURIComponent(bad)}`);
      assert.equal(login.status, 400, bad);
    }
  });

  it('401 for a tampered session cookie, with the cookie cleared in the same response', async () => {
    const { b } = await signedIn();
    b.cookies.set(SESSION, `${b.cookies.get(SESSION)?.slice(0, -4)}AAAA`);
    const res = await b.request('/api/me');
    assert.equal(res.status, 401);
    assert.ok(
      res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=;`) && c.includes('Max-Age=0')),
    );
    assert.ok(!b.cookies.has(SESSION) && !b.cookies.has(CSRF));
  });

  it('CSRF: 403 without or with a wrong header, 201 with the right one', async () => {
    const { b } = await signedIn();
    const missing = await postNote(b);
    assert.equal(missing.status, 403);
    assert.equal(((await missing.json()) as { error: string }).error, 'csrf_failed');
    assert.equal((await postNote(b, 'wrong')).status, 403);
    const ok = await postNote(b, b.cookies.get(CSRF));
    assert.equal(ok.status, 201);
    assert.deepEqual(await ok.json(), { text: 'hi' }, 'the body is still readable by the route');
  });

  it('403 insufficient_scope for a missing role', async () => {
    const { b } = await signedIn();
    const res = await b.request('/api/admin');
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
  });

  it('refreshes transparently and sends the rotated cookie', async () => {
    const { b } = await signedIn();
    const before = await openSessionCookie(b.cookies.get(SESSION));
    await sleep(1_200);
    const res = await b.request('/api/me');
    assert.equal(res.status, 200);
    const afterRefresh = await openSessionCookie(b.cookies.get(SESSION));
    assert.notEqual(afterRefresh.rt, before.rt);
  });

  it('logs out with a form field (raw body) and with the header', async () => {
    const form = await signedIn();
    const res = await form.b.request('/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: form.b.cookies.get(CSRF) ?? '' }),
    });
    assert.equal(res.status, 303);
    assert.ok(res.headers.get('location')?.startsWith(`${server.url}/oauth/logout?`));
    assert.ok(!form.b.cookies.has(SESSION) && !form.b.cookies.has(CSRF));
    assert.equal((await form.b.request('/api/me')).status, 401);

    const header = await signedIn();
    const forged = await header.b.request('/auth/logout', { method: 'POST' });
    assert.equal(forged.status, 403);
    const ok = await header.b.request('/auth/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': header.b.cookies.get(CSRF) ?? '' },
    });
    assert.equal(ok.status, 303);
  });
});

/**
 * Cookie mode in Hono: the example app (examples/hono-cookie-app) against a live Gatehouse, with
 * 2-second access tokens so the middleware's refresh path runs too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { createApp } from '../../examples/hono-cookie-app/app.ts';
import { type CookieSession, createCookieSession } from '../../src/guard/hono.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
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

const APP = 'http://127.0.0.1:4518';
const SESSION = '__Host-session';
const CSRF = '__Host-session_csrf';

describe('gatehouse/guard/hono cookie mode (the example app)', () => {
  let server: TestServer;
  let session: CookieSession;
  let app: Hono;
  let gatehouseCookie: string;

  before(async () => {
    server = await startTestServer({ config: cookieModeConfig([APP], { access_ttl: 2 }) });
    session = createCookieSession({
      issuer: server.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${APP}/auth/callback`,
      secret: SESSION_SECRET,
      audience: AUDIENCE,
    });
    app = createApp(session);
    ({ cookie: gatehouseCookie } = await signedInBrowser(server, 'hono-cookie@example.com'));
  });
  after(() => server.close());

  const browser = () => new Browser(async (url, init) => app.request(url, init), APP);
  const signedIn = async () => {
    const b = browser();
    const callback = await signIn(b, server, gatehouseCookie);
    assert.equal(callback.headers.get('location'), '/');
    return b;
  };
  const postNote = (b: Browser, text: string, csrf?: string) =>
    b.request('/api/notes', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }),
      },
      body: JSON.stringify({ text }),
    });

  it('shows a sign-in link to anonymous visitors, and 401 JSON on the API', async () => {
    const b = browser();
    const page = await b.request('/');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /href="\/auth\/login\?return_to=\/"/);
    const api = await b.request('/api/me');
    assert.equal(api.status, 401);
    assert.deepEqual(await api.json(), { error: 'unauthorized', error_description: 'Sign-in required' });
  });

  it('signs in and renders the user, the CSRF cookie name and the logout form token', async () => {
    const b = await signedIn();
    const page = await b.request('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const body = await page.text();
    assert.match(body, /hono-cookie@example\.com/);
    assert.match(body, new RegExp(`<meta name="csrf-cookie" content="${CSRF}"`));
    assert.match(body, new RegExp(`name="csrf_token" value="${b.cookies.get(CSRF)}"`));
    const me = await b.request('/api/me');
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, 'hono-cookie@example.com');
  });

  it('401 for a tampered session cookie, with the cookie cleared in the same response', async () => {
    const b = await signedIn();
    b.cookies.set(SESSION, `${b.cookies.get(SESSION)?.slice(0, -4)}AAAA`);
    const res = await b.request('/api/me');
    assert.equal(res.status, 401);
    assert.ok(
      res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=;`) && c.includes('Max-Age=0')),
    );
    assert.ok(!b.cookies.has(SESSION) && !b.cookies.has(CSRF));
  });

  it('serves the page script that echoes the CSRF cookie in X-CSRF-Token', async () => {
    const script = await (await browser().request('/app.js')).text();
    assert.match(script, /'x-csrf-token': csrfToken\(\)/);
  });

  it('CSRF: POST without header 403, wrong header 403, valid 201; GET needs none', async () => {
    const b = await signedIn();
    const missing = await postNote(b, 'no header');
    assert.equal(missing.status, 403);
    assert.equal(((await missing.json()) as { error: string }).error, 'csrf_failed');
    assert.equal((await postNote(b, 'wrong', 'not-the-token')).status, 403);
    const ok = await postNote(b, 'hello <b>world</b>', b.cookies.get(CSRF));
    assert.equal(ok.status, 201);
    const list = await b.request('/api/notes');
    assert.equal(list.status, 200);
    assert.deepEqual(
      ((await list.json()) as Array<{ text: string }>).map((n) => n.text),
      ['hello <b>world</b>'],
    );
    assert.match(
      await (await b.request('/')).text(),
      /hello &lt;b&gt;world&lt;\/b&gt;/,
      'escaped in the page',
    );
  });

  it('CSRF: cookie and header copied from another session are refused', async () => {
    const victim = await signedIn();
    const attacker = await signedIn();
    const token = attacker.cookies.get(CSRF) ?? '';
    victim.cookies.set(CSRF, token);
    assert.equal((await postNote(victim, 'forged', token)).status, 403);
  });

  it('refreshes behind the middleware and sends the rotated cookie with the route response', async () => {
    const b = await signedIn();
    const before = await openSessionCookie(b.cookies.get(SESSION));
    await sleep(1_200);
    const res = await postNote(b, 'after refresh', b.cookies.get(CSRF));
    assert.equal(res.status, 201);
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=`)));
    const afterRefresh = await openSessionCookie(b.cookies.get(SESSION));
    assert.notEqual(afterRefresh.rt, before.rt, 'rotated');
    assert.equal((await b.request('/api/me')).status, 200);
  });

  it('signs out with the hidden csrf_token form field, then the page is anonymous again', async () => {
    const b = await signedIn();
    const noProof = await b.request('/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf_token=forged',
    });
    assert.equal(noProof.status, 403);
    const res = await b.request('/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: b.cookies.get(CSRF) ?? '' }),
    });
    assert.equal(res.status, 303);
    assert.ok(res.headers.get('location')?.startsWith(`${server.url}/oauth/logout?`));
    assert.ok(!b.cookies.has(SESSION));
    assert.match(await (await b.request('/')).text(), /not signed in/);
    assert.equal((await b.request('/api/me')).status, 401);
  });
});

/**
 * The hosted pages in a real Chromium against a real Gatehouse (SQLite, SMTP capture, HTTP on
 * loopback). Every test gets a fresh browser context and records what the pages load.
 *
 * Hosts: the issuer is `http://localhost:<port>` (see test/helpers/browser.ts for why), the
 * relying party's callback and the attacker live on `http://127.0.0.1:<other ports>`: different
 * sites from the issuer, as they would be in real life.
 *
 * Screenshots land in test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import {
  browserPerFile,
  inPage,
  type LoopbackSite,
  recordTraffic,
  saveScreenshot,
  startLoopbackSite,
  type TrafficRecord,
} from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';
import { oauthConfig, redeemCodeForIdToken, SESSION_COOKIE, THIRD_SECRET } from '../oauth/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase for gatehouse';

/** The fixture clients, with the third-party client also allowed to come back to a loopback callback. */
const config = {
  ...oauthConfig,
  clients: oauthConfig.clients.map((client) =>
    client.client_id === 'third'
      ? { ...client, redirect_uris: ['https://third.example.org/cb', 'http://127.0.0.1/callback'] }
      : client,
  ),
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A page that posts a form to `action` the moment it loads, as a CSRF attacker's would. */
function autoSubmittingForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><title>You won!</title>
<form id="f" method="post" action="${escapeHtml(action)}">${inputs}</form>
<script>document.getElementById('f').submit();</script>`;
}

/**
 * Runs a JavaScript expression in the page. A string rather than a function: this program is
 * type-checked without the DOM library, so `document` does not exist on the Node side.
 */
async function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.matches(':focus'));
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('hosted pages in Chromium', () => {
  const chromium = browserPerFile();
  let server: TestServer;
  let issuer: string;
  let rp: LoopbackSite;
  let attacker: LoopbackSite;
  let discovery: { token_endpoint: string; jwks_uri: string };
  let userCount = 0;

  before(async () => {
    server = await startTestServer({ config, issuerHost: 'localhost' });
    issuer = server.url;
    rp = await startLoopbackSite();
    attacker = await startLoopbackSite();
    discovery = (await (await server.get('/.well-known/openid-configuration')).json()) as typeof discovery;
  });
  after(async () => {
    await chromium.close();
    await server?.close();
    await rp?.close();
    await attacker?.close();
  });

  /** A fresh context and page that record their traffic; null when the test was skipped. */
  async function open(
    t: TestContext,
    options: BrowserContextOptions = {},
  ): Promise<{ context: BrowserContext; page: Page; traffic: TrafficRecord } | null> {
    const browser = await chromium.get(t);
    if (browser === null) return null;
    const context = await browser.newContext(options);
    t.after(() => context.close());
    const traffic = recordTraffic(context);
    const page = await context.newPage();
    return { context, page, traffic };
  }

  /** Nothing left the issuer except navigations to the given origins; no CSP violation, no script error. */
  function assertStayedHome(traffic: TrafficRecord, navigationsTo: string[] = []): void {
    assert.ok(traffic.requests.length > 0, 'no request recorded');
    for (const request of traffic.requests) {
      const origin = new URL(request.url).origin;
      if (origin === issuer) continue;
      assert.ok(
        request.navigation && navigationsTo.includes(origin),
        `request left the issuer: ${request.method} ${request.url} (${request.resourceType})`,
      );
    }
    assert.deepEqual(traffic.cspViolations, [], 'CSP violations reported in the console');
    assert.deepEqual(traffic.pageErrors, [], 'script errors');
  }

  async function newUser(prefix: string): Promise<string> {
    const email = `${prefix}-${++userCount}@example.com`;
    await server.createConfirmedUser(email, PASSWORD);
    return email;
  }

  async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
    await page.goto(`${issuer}/login`);
    await submitSignIn(page, email, password);
    await page.waitForURL(`${issuer}/account`);
  }

  function authorizeUrl(clientId: string, params: Record<string, string>): string {
    const url = new URL('/oauth/authorize', issuer);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: `${rp.origin}/callback`,
      ...params,
    }).toString();
    return url.href;
  }

  /** Waits until the browser arrives at the relying party's callback and returns that URL as the RP saw it. */
  async function arriveAtCallback(page: Page): Promise<URL> {
    await page.waitForURL((url) => url.origin === rp.origin);
    // Chromium also asks the RP for /favicon.ico.
    const seen = rp.hits.findLast((hit) => hit.pathname === '/callback');
    assert.ok(seen !== undefined, 'the callback server got no request');
    assert.equal(new URL(page.url()).search, seen.search, 'the RP saw the URL the browser went to');
    return seen;
  }

  test('sign-up, email code, sign-in, then the account page: change name, sign out everywhere', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    const email = `signup-${++userCount}@example.com`;

    await page.goto(`${issuer}/signup`);
    await saveScreenshot(page, 'sign-up');
    // Filled by label text: proves every <label for> points at its input.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Name (optional)').fill('Ada');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL((url) => url.pathname === '/signup/verify');
    assert.match(await page.locator('main').innerText(), new RegExp(`sent a 6-digit code to ${email}`));
    await saveScreenshot(page, 'verify-email');
    const mail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
    await page.getByLabel('Code').fill(extractCode(mail.text));
    await page.getByRole('button', { name: 'Confirm email' }).click();

    await page.waitForURL((url) => url.pathname === '/login');
    assert.equal(await page.getByRole('status').innerText(), 'Email confirmed — sign in.');
    assert.equal(await page.getByLabel('Email').inputValue(), email, 'email carried over');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);

    const details = await page.locator('dl.details').innerText();
    assert.match(details, new RegExp(email));
    assert.match(details, /Ada/);

    // Contract §5: the session cookie's name and flags.
    const cookie = (await context.cookies(issuer)).find((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.domain, 'localhost', 'host-only (__Host-: no Domain attribute)');
    assert.equal(await inPage(page, 'document.cookie'), '', 'HttpOnly: invisible to scripts');
    // The password form's username field (for password managers) is hidden, not a stray input.
    assert.equal(await page.locator('input[autocomplete="username"][hidden]').isVisible(), false);
    const signOutHeights = await Promise.all(
      ['Sign out', 'Sign out everywhere'].map(async (name) => {
        const box = await page.getByRole('button', { name, exact: true }).boundingBox();
        return box?.height;
      }),
    );
    assert.equal(signOutHeights[0], signOutHeights[1], 'the two sign-out buttons line up');
    await saveScreenshot(page, 'account');

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.waitForURL(`${issuer}/account?done=name`);
    assert.equal(await page.getByRole('status').innerText(), 'Your name was saved.');
    assert.match(await page.locator('dl.details').innerText(), /Ada Lovelace/);
    assert.equal((await server.core.store.getUserByEmail(email))?.name, 'Ada Lovelace');

    // A token session elsewhere (an app), which "everywhere" must end too.
    const tokens = await server.signIn(email, PASSWORD);
    assert.ok(tokens.refresh_token);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(`${issuer}/login`);
    await saveScreenshot(page, 'signed-out');
    assert.equal(
      (await context.cookies(issuer)).some((c) => c.name === SESSION_COOKIE),
      false,
      'session cookie removed',
    );
    const refresh = await server.post('/v1/refresh', { refresh_token: tokens.refresh_token });
    assert.notEqual(refresh.status, 200, 'the app session ended too');
    await page.goto(`${issuer}/account`);
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out: /account sends to /login');
    assertStayedHome(traffic);
  });

  test('a wrong password shows the error and puts the focus back on the password', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('wrong');

    await page.goto(`${issuer}/login`);
    await saveScreenshot(page, 'sign-in');
    const response = page.waitForResponse(
      (r) => r.url() === `${issuer}/login` && r.request().method() === 'POST',
    );
    await submitSignIn(page, email, 'not the password at all');
    assert.equal((await response).status(), 401);
    await page.waitForLoadState();

    assert.equal(await page.getByRole('alert').innerText(), 'Email or password is incorrect.');
    assert.equal(await page.getByLabel('Email').inputValue(), email, 'email kept');
    const password = page.getByLabel('Password');
    assert.equal(await password.inputValue(), '', 'password never echoed back');
    assert.equal(await hasFocus(password), true, 'focus on the password');
    // The focused field points at the message, so a screen reader reads it on arrival.
    assert.match((await password.getAttribute('aria-describedby')) ?? '', /\bform-error\b/);
    await saveScreenshot(page, 'sign-in-error');

    await password.fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${issuer}/account`);
    assertStayedHome(traffic);
  });

  test('keyboard only: Tab and Enter sign in without a mouse', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('keys');
    const focusedId = () => inPage<string>(page, 'document.activeElement.id');

    await page.goto(`${issuer}/login`);
    assert.equal(await focusedId(), 'f-email', 'the email field has the focus on arrival');
    // Shift+Tab reaches the skip link, which then shows on screen.
    await page.keyboard.press('Shift+Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    assert.equal(await hasFocus(skip), true);
    const box = await skip.boundingBox();
    assert.ok(box !== null && box.x >= 0 && box.y >= 0, 'focused skip link is visible');
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(), 'f-email');

    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(), 'f-password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    assert.equal(await inPage(page, 'document.activeElement.innerText'), 'Sign in', 'then the submit button');
    await saveScreenshot(page, 'sign-in-keyboard-focus');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${issuer}/account`);
    assertStayedHome(traffic);
  });

  test('forgot password: code by mail, new password, sign in with it', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('forgot');

    await page.goto(`${issuer}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL((url) => url.pathname === '/password/forgot');
    await saveScreenshot(page, 'forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send code' }).click();

    await page.waitForURL((url) => url.pathname === '/password/reset');
    await saveScreenshot(page, 'reset-password');
    const mail = await server.smtp.waitFor({ to: email, kind: 'reset_code' });
    await page.getByLabel('Code').fill(extractCode(mail.text));
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();

    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('reset') === '1');
    assert.equal(
      await page.getByRole('status').innerText(),
      'Password changed — sign in with your new password.',
    );
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);
    const old = await server.post('/v1/signin', { email, password: PASSWORD });
    assert.equal(old.status, 401, 'the old password no longer works');
    assertStayedHome(traffic);
  });

  test('authorization code + PKCE for the public client: sign in, callback, token, ID token', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('spa');
    const user = await server.core.store.getUserByEmail(email);
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const nonce = randomBytes(12).toString('base64url');

    await page.goto(
      authorizeUrl('spa', {
        scope: 'openid profile email',
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    assert.equal(new URL(page.url()).pathname, '/login', 'no session: sent to sign in');
    assert.ok(new URL(page.url()).searchParams.get('request'), 'the pending request travels along');
    await submitSignIn(page, email, PASSWORD);

    const callback = await arriveAtCallback(page);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), issuer, 'RFC 9207');
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const payload = await redeemCodeForIdToken({
      discovery,
      issuer,
      clientId: 'spa',
      redirectUri: `${rp.origin}/callback`,
      code,
      verifier,
    });
    assert.equal(payload.sub, user?.id);
    assert.equal(payload['nonce'], nonce);
    assert.deepEqual(payload['amr'], ['pwd']);
    assertStayedHome(traffic, [rp.origin]);
  });

  test('third-party consent: the scopes are shown, Deny sends access_denied, Allow sends a code', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('consent');
    const start = (state: string) => page.goto(authorizeUrl('third', { scope: 'openid email', state }));

    await start('first');
    await submitSignIn(page, email, PASSWORD);
    await page.waitForURL((url) => url.pathname === '/consent');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Allow third?');
    const scopes = await page.locator('ul.scopes li').allInnerTexts();
    assert.deepEqual(scopes, ['Confirm who you are with your account ID', 'See your email address']);
    assert.match(await page.locator('main').innerText(), new RegExp(`Signed in as ${email}`));
    await saveScreenshot(page, 'consent');
    await page.getByRole('button', { name: 'Deny' }).click();
    const denied = await arriveAtCallback(page);
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.equal(denied.searchParams.get('state'), 'first');
    assert.equal(denied.searchParams.get('code'), null);

    // Still signed in: straight to the consent page this time.
    await start('second');
    assert.equal(new URL(page.url()).pathname, '/consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    const allowed = await arriveAtCallback(page);
    assert.equal(allowed.searchParams.get('state'), 'second');
    const code = allowed.searchParams.get('code');
    assert.ok(code);
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`third:${THIRD_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${rp.origin}/callback`,
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.ok(((await response.json()) as { id_token?: string }).id_token);

    // The consent is remembered: no page the third time.
    await start('third');
    const again = await arriveAtCallback(page);
    assert.ok(again.searchParams.get('code'));
    assertStayedHome(traffic, [rp.origin]);
  });

  test('a form posted from another site is refused (403) and changes nothing', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    const email = await newUser('csrf');
    await signIn(page, email);
    const token = await page.locator('form[action="/account/name"] input[name="csrf"]').getAttribute('value');
    assert.ok(token);

    /** Opens the attacker's page at `origin` and returns the answer to the form it auto-posts. */
    const attack = async (origin: string, target: string, fields: Record<string, string>) => {
      const path = `/${randomBytes(6).toString('hex')}`;
      attacker.pages.set(path, autoSubmittingForm(`${issuer}${target}`, fields));
      const answer = page.waitForResponse(
        (r) => r.url() === `${issuer}${target}` && r.request().method() === 'POST',
      );
      await page.goto(`${origin}${path}`);
      const response = await answer;
      await page.waitForLoadState();
      return response;
    };

    // Cross-site (127.0.0.1 vs localhost): SameSite=Lax keeps the cookies home, the Origin is foreign.
    const rename = await attack(attacker.origin, '/account/name', { name: 'Pwned' });
    assert.equal(rename.status(), 403);
    const sent = await rename.request().allHeaders();
    assert.equal(sent['origin'], attacker.origin);
    assert.doesNotMatch(
      sent['cookie'] ?? '',
      /__Host-gatehouse_session/,
      'Lax: no session cookie cross-site',
    );
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'This form has expired');

    const everywhere = await attack(attacker.origin, '/account/signout-everywhere', {});
    assert.equal(everywhere.status(), 403);

    // Same site, other origin (localhost:<attacker port>): the browser does send the cookies, and
    // even with a token lifted from the victim's page the Origin check alone refuses it.
    const sameSite = attacker.origin.replace('127.0.0.1', 'localhost');
    const leaked = await attack(sameSite, '/account/name', { name: 'Pwned', csrf: token });
    assert.equal(leaked.status(), 403);
    const leakedHeaders = await leaked.request().allHeaders();
    assert.equal(leakedHeaders['origin'], sameSite);
    assert.match(leakedHeaders['cookie'] ?? '', /__Host-gatehouse_session/, 'same-site: cookies were sent');
    await saveScreenshot(page, 'error-csrf');

    // Nothing changed: same name, still signed in.
    assert.equal((await server.core.store.getUserByEmail(email))?.name, null);
    assert.ok((await context.cookies(issuer)).some((c) => c.name === SESSION_COOKIE));
    await page.goto(`${issuer}/account`);
    assert.equal(new URL(page.url()).pathname, '/account', 'still signed in');
    assertStayedHome(traffic, [attacker.origin, sameSite]);
  });

  test('every page: only issuer resources, CSP on, styles applied, no CSP violations', async (t) => {
    const opened = await open(t);
    if (opened === null) return;
    const { page, traffic } = opened;
    // [path, screenshot (the flows above took the others), status]
    const pages: Array<[string, string | null, number]> = [
      ['/login', null, 200],
      ['/signup', null, 200],
      ['/signup/verify?email=someone%40example.com', null, 200],
      ['/password/forgot', null, 200],
      ['/password/reset?email=someone%40example.com', null, 200],
      [
        '/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2Fcb',
        'error-unknown-client',
        400,
      ],
    ];
    for (const [path, name, status] of pages) {
      const response = await page.goto(`${issuer}${path}`);
      assert.ok(response);
      assert.equal(response.status(), status, path);
      assert.equal(new URL(page.url()).origin, issuer, `${path}: stayed on the issuer`);
      const headers = response.headers();
      assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/, path);
      assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, path);
      // The stylesheet really loaded under that CSP: the card is styled.
      const radius = await inPage(
        page,
        "getComputedStyle(document.querySelector('main.card')).borderTopLeftRadius",
      );
      assert.equal(radius, '8px', `${path}: stylesheet applied`);
      if (name !== null) await saveScreenshot(page, name);
    }
    assert.match(await page.locator('main').innerText(), /not known/);
    const stylesheets = traffic.requests.filter((r) => r.resourceType === 'stylesheet');
    assert.ok(stylesheets.length >= 2, 'stylesheets were fetched');
    assertStayedHome(traffic);
  });

  test('dark mode renders with the dark palette', async (t) => {
    const opened = await open(t, { colorScheme: 'dark' });
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('dark');

    await page.goto(`${issuer}/login`);
    const colours = () =>
      inPage(
        page,
        '({ body: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color })',
      );
    assert.deepEqual(await colours(), { body: 'rgb(17, 19, 23)', text: 'rgb(232, 234, 238)' });
    // The focus ring is lightened on dark backgrounds (the plain brand blue is under 3:1 there).
    const ring = await inPage<string>(page, 'getComputedStyle(document.activeElement).outlineColor');
    assert.notEqual(ring, 'rgb(47, 91, 234)');
    await saveScreenshot(page, 'sign-in-dark');
    await submitSignIn(page, email, 'wrong password here');
    await page.getByRole('alert').waitFor();
    await saveScreenshot(page, 'sign-in-error-dark');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);
    await saveScreenshot(page, 'account-dark');
    await page.goto(authorizeUrl('third', { scope: 'openid email', state: 'dark' }));
    assert.equal(new URL(page.url()).pathname, '/consent');
    await saveScreenshot(page, 'consent-dark');
    await page.goto(`${issuer}/oauth/authorize?client_id=nobody`);
    await saveScreenshot(page, 'error-dark');
    assertStayedHome(traffic);
  });

  test('phone width (390×844): one column, no sideways scrolling, big enough tap targets', async (t) => {
    const opened = await open(t, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('phone');

    const fits = async (label: string) => {
      const scroll = await inPage<number>(page, 'document.documentElement.scrollWidth');
      const inner = await inPage<number>(page, 'window.innerWidth');
      assert.ok(scroll <= inner, `${label}: page is ${scroll}px wide in a ${inner}px viewport`);
      for (const button of await page.getByRole('button').all()) {
        const box = await button.boundingBox();
        if (box !== null) assert.ok(box.height >= 44, `${label}: a ${box.height}px-high button`);
      }
    };

    await page.goto(`${issuer}/login`);
    await fits('sign-in');
    await saveScreenshot(page, 'sign-in-phone');
    await page.goto(`${issuer}/signup`);
    await fits('sign-up');
    await saveScreenshot(page, 'sign-up-phone');
    await page.goto(`${issuer}/login`);
    await submitSignIn(page, email, PASSWORD);
    await page.waitForURL(`${issuer}/account`);
    await fits('account');
    await saveScreenshot(page, 'account-phone');
    await page.goto(authorizeUrl('third', { scope: 'openid email', state: 'phone' }));
    await fits('consent');
    await saveScreenshot(page, 'consent-phone');
    assertStayedHome(traffic);
  });
});

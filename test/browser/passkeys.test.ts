/**
 * Passkeys on the hosted pages, in a real Chromium with a CDP virtual authenticator (a CTAP2
 * platform authenticator with resident keys and user verification), against a real Gatehouse.
 *
 * The issuer is `http://localhost:<port>` with RP ID `localhost` (a WebAuthn RP ID must be a
 * domain); the relying party's callback lives on `http://127.0.0.1:<other port>`.
 *
 * Autofill (conditional mediation): headless Chromium has no autofill UI, but its virtual
 * authenticator answers a conditional request by itself as soon as it holds a discoverable
 * credential for the site. The autofill test relies on that, and also records the `mediation`
 * the page passed to `navigator.credentials.get`. Because of that auto-answer, the tests of the
 * button turn conditional mediation off in the page (`isConditionalMediationAvailable` answers
 * false, as in a browser without passkey autofill); otherwise every /login visit would sign in
 * before the button could be clicked.
 *
 * Screenshots land in test-artifacts/screenshots/passkeys-*.png.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { resumeBrowserSession } from '../../src/core/sessions/browser-session.ts';
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
import { oauthConfig, redeemCodeForIdToken, SESSION_COOKIE } from '../oauth/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

/** What a browser without passkey autofill says; see the file comment for why. */
const NO_AUTOFILL = `if (window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
}`;

/** Records the `mediation` of every navigator.credentials.get call in window.__mediations. */
const RECORD_MEDIATION = `window.__mediations = [];
if (navigator.credentials) {
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options) => {
    window.__mediations.push((options && options.mediation) || 'optional');
    return get(options);
  };
}`;

const NO_WEBAUTHN = 'delete window.PublicKeyCredential;';

interface Authenticator {
  cdp: CDPSession;
  id: string;
  /** The discoverable credentials it holds for the site. */
  credentials(): Promise<Array<{ credentialId: string; isResidentCredential: boolean; userHandle?: string }>>;
}

async function addAuthenticator(context: BrowserContext, page: Page): Promise<Authenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    id: authenticatorId,
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}

describe('passkeys on the hosted pages in Chromium', () => {
  const chromium = browserPerFile();
  let server: TestServer;
  let issuer: string;
  let rp: LoopbackSite;
  let discovery: { token_endpoint: string; jwks_uri: string };
  let userCount = 0;

  before(async () => {
    server = await startTestServer({
      config: oauthConfig,
      issuerHost: 'localhost',
      env: { GATEHOUSE_RP_ID: 'localhost' },
    });
    issuer = server.url;
    rp = await startLoopbackSite();
    discovery = (await (await server.get('/.well-known/openid-configuration')).json()) as typeof discovery;
  });
  after(async () => {
    await chromium.close();
    await server?.close();
    await rp?.close();
  });

  interface Opened {
    context: BrowserContext;
    page: Page;
    traffic: TrafficRecord;
  }

  /** A fresh context (with init scripts) and page recording their traffic; null when skipped. */
  async function open(t: TestContext, initScripts: string[] = []): Promise<Opened | null> {
    const browser = await chromium.get(t);
    if (browser === null) return null;
    const context = await browser.newContext();
    t.after(() => context.close());
    for (const content of initScripts) await context.addInitScript({ content });
    const traffic = recordTraffic(context);
    const page = await context.newPage();
    return { context, page, traffic };
  }

  /** Nothing loaded from elsewhere (navigations to `navigationsTo` aside), no CSP violation, no script error. */
  function assertStayedHome(traffic: TrafficRecord, navigationsTo: string[] = []): void {
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

  async function passwordSignIn(page: Page, email: string): Promise<void> {
    await page.goto(`${issuer}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);
  }

  /** On /account: "Add a passkey", then back on /account with the notice. */
  async function addPasskey(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${issuer}/account?done=passkey_added`);
    assert.equal(
      await page.getByRole('status').innerText(),
      'The passkey was added. You can now sign in with it.',
    );
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/login');
  }

  /** The browser session behind the context's cookie (its amr tells how it signed in). */
  async function browserSession(context: BrowserContext) {
    const cookie = (await context.cookies(issuer)).find((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie, 'signed in: session cookie set');
    const session = await resumeBrowserSession(server.core, cookie.value);
    assert.ok(session, 'the session is live');
    return session;
  }

  const passkeyButton = (page: Page) => page.getByRole('button', { name: 'Sign in with a passkey' });

  test('password account adds a passkey, signs out, signs back in with the passkey button', async (t) => {
    const opened = await open(t, [NO_AUTOFILL]);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    const auth = await addAuthenticator(context, page);
    const email = await newUser('button');
    const user = await server.core.store.getUserByEmail(email);
    assert.ok(user);

    await passwordSignIn(page, email);
    const section = page.getByRole('region', { name: 'Passkeys' });
    assert.match(await section.innerText(), /No passkeys yet/);
    await addPasskey(page);

    // The authenticator made a discoverable credential for this account, and the server has it.
    const [credential] = await auth.credentials();
    assert.ok(credential);
    assert.equal(credential.isResidentCredential, true);
    assert.equal(
      Buffer.from(credential.userHandle ?? '', 'base64').toString(),
      user.id,
      'user handle = user id',
    );
    const stored = await server.core.store.listPasskeysByUser(user.id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.id, Buffer.from(credential.credentialId, 'base64').toString('base64url'));

    // The list: name, added, last used, backed up.
    const item = section.getByRole('listitem');
    assert.equal(await item.count(), 1);
    const text = await item.innerText();
    assert.match(text, /^Passkey\b/);
    assert.match(text, /Added\s+\w+ \d{1,2}, \d{4}/);
    assert.match(text, /Last used\s+Never/);
    assert.match(text, /Backed up\s+No, it stays on the device that made it/);
    await saveScreenshot(page, 'passkeys-account');

    // Rename through the plain form in <details>.
    await section.getByText('Rename').click();
    await section.getByLabel('New name for “Passkey”').fill('Work laptop');
    await saveScreenshot(page, 'passkeys-rename');
    await section.getByRole('button', { name: 'Save name' }).click();
    await page.waitForURL(`${issuer}/account?done=passkey_renamed`);
    assert.equal(await page.getByRole('status').innerText(), 'The passkey was renamed.');
    assert.match(await section.getByRole('listitem').innerText(), /^Work laptop\b/);

    await signOut(page);
    await passkeyButton(page).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), '', 'no email: the discoverable flow');
    await saveScreenshot(page, 'passkeys-sign-in');
    await passkeyButton(page).click();
    await page.waitForURL(`${issuer}/account`);

    const session = await browserSession(context);
    assert.equal(session.userId, user.id);
    // A device-bound key (not backup eligible) with user verification: RFC 8176 hwk + user + mfa.
    assert.deepEqual(session.amr, ['hwk', 'user', 'mfa']);
    assert.match(await section.getByRole('listitem').innerText(), /Last used\s+\w+ \d{1,2}, \d{4}/);
    assertStayedHome(traffic);
  });

  test('sign-in with the typed email: the options list only that account’s passkeys', async (t) => {
    const opened = await open(t, [NO_AUTOFILL]);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    await addAuthenticator(context, page);
    const email = await newUser('email-flow');
    await passwordSignIn(page, email);
    await addPasskey(page);
    await signOut(page);

    // Read the options through a route: the sign-in navigates away as soon as they are used,
    // after which the browser no longer holds the response body.
    let sent: { email?: string } | undefined;
    let answer: { options: { allowCredentials?: unknown[] } } | undefined;
    await page.route(`${issuer}/login/passkey/options`, async (route) => {
      sent = route.request().postDataJSON() as { email?: string };
      const response = await route.fetch();
      answer = (await response.json()) as typeof answer;
      await route.fulfill({ response });
    });
    await page.getByLabel('Email').fill(email);
    await passkeyButton(page).click();
    await page.waitForURL(`${issuer}/account`);
    assert.equal(sent?.email, email, 'the email went along');
    assert.equal(answer?.options.allowCredentials?.length, 1, 'the account’s one passkey is listed');
    assert.equal((await browserSession(context)).userId, (await server.core.store.getUserByEmail(email))?.id);
    assertStayedHome(traffic);
  });

  test('autofill: /login starts a conditional request, and the passkey chosen there signs in', async (t) => {
    const opened = await open(t, [RECORD_MEDIATION]);
    if (opened === null) return;
    const { context, page, traffic } = opened;

    // No credential on the authenticator yet: the conditional request stays pending.
    await page.goto(`${issuer}/login`);
    const block = page.locator('[data-passkey="signin"]');
    await page.waitForFunction(
      "document.querySelector('[data-passkey=\"signin\"]').dataset.passkeyAutofill === 'pending'",
    );
    assert.equal(await page.getByLabel('Email').getAttribute('autocomplete'), 'username webauthn');
    // The state flips just before the library calls navigator.credentials.get; wait for the call.
    await page.waitForFunction('window.__mediations.length > 0');
    assert.deepEqual(await inPage(page, 'window.__mediations'), ['conditional']);
    assert.equal(await block.getAttribute('data-passkey-state'), 'ready');

    const auth = await addAuthenticator(context, page);
    const email = await newUser('autofill');
    await passwordSignIn(page, email);
    await addPasskey(page);
    assert.equal((await auth.credentials()).length, 1);
    await signOut(page);

    // The virtual authenticator answers the page's conditional request by itself (what picking
    // the passkey in the email field's autofill list does): signed in without a click.
    await page.waitForURL(`${issuer}/account`);
    const session = await browserSession(context);
    assert.equal(session.userId, (await server.core.store.getUserByEmail(email))?.id);
    assert.deepEqual(session.amr, ['hwk', 'user', 'mfa']);
    assert.deepEqual(await inPage(page, 'window.__mediations'), [], 'the account page asks for nothing');
    assertStayedHome(traffic);
  });

  test('passkey-only sign-up: email code page, confirm, sign in with the passkey, cannot delete the last one', async (t) => {
    const opened = await open(t, [NO_AUTOFILL]);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    const auth = await addAuthenticator(context, page);
    const email = `passkey-only-${++userCount}@example.com`;

    await page.goto(`${issuer}/signup`);
    const signUpButton = page.getByRole('button', { name: 'Sign up with a passkey' });
    await signUpButton.waitFor();
    // Without an email first, it says so and puts the focus there.
    await signUpButton.click();
    assert.match(await page.getByRole('alert').innerText(), /Enter your email address above first/);
    assert.equal(await inPage(page, 'document.activeElement.id'), 'f-email');
    await saveScreenshot(page, 'passkeys-sign-up');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name (optional)').fill('Grace');
    await signUpButton.click();
    await page.waitForURL((url) => url.pathname === '/signup/verify');
    assert.equal(new URL(page.url()).searchParams.get('email'), email);
    assert.match(await page.locator('main').innerText(), new RegExp(`sent a 6-digit code to ${email}`));

    const user = await server.core.store.getUserByEmail(email);
    assert.ok(user, 'the account exists');
    assert.equal(user.emailVerified, false, 'unconfirmed until the code');
    assert.equal(user.passwordHash, null, 'no password');
    assert.equal(user.name, 'Grace');
    assert.equal((await server.core.store.listPasskeysByUser(user.id)).length, 1);
    assert.equal((await auth.credentials()).length, 1);
    assert.equal(
      (await context.cookies(issuer)).some((c) => c.name === SESSION_COOKIE),
      false,
      'not signed in before the email is confirmed',
    );

    await server.smtp.waitFor({ to: email, kind: 'signup_code' });

    // Trying the passkey before the code: the proven owner gets a fresh code and a link to it.
    await page.goto(`${issuer}/login`);
    await passkeyButton(page).click();
    const unconfirmed = page.getByRole('alert');
    await unconfirmed.waitFor();
    assert.equal(
      await unconfirmed.innerText(),
      'Confirm your email first. We sent a new code to it: enter the code.',
    );
    await unconfirmed.getByRole('link', { name: 'enter the code' }).click();
    await page.waitForURL((url) => url.pathname === '/signup/verify');
    assert.equal(new URL(page.url()).searchParams.get('email'), email);
    const mail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
    await page.getByLabel('Code').fill(extractCode(mail.text));
    await page.getByRole('button', { name: 'Confirm email' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    assert.equal(await page.getByRole('status').innerText(), 'Email confirmed — sign in.');
    await passkeyButton(page).click();
    await page.waitForURL(`${issuer}/account`);
    const main = await page.locator('main').innerText();
    assert.match(main, /Grace/);
    assert.match(main, /You sign in without a password/);

    // Its only passkey is its only way in: the core refuses, the page says why.
    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByRole('button', { name: 'Delete “Passkey”' }).click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, '/account/passkeys/delete');
    assert.equal(
      await section.getByRole('alert').innerText(),
      'This passkey is the only way to sign in to this account; add another passkey or a password first.',
    );
    assert.equal((await server.core.store.listPasskeysByUser(user.id)).length, 1, 'still there');
    await saveScreenshot(page, 'passkeys-delete-last');
    assertStayedHome(traffic);
  });

  test('authorization code + PKCE for the public client, signed in with a passkey on the hosted page', async (t) => {
    const opened = await open(t, [NO_AUTOFILL]);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    await addAuthenticator(context, page);
    const email = await newUser('oauth');
    const user = await server.core.store.getUserByEmail(email);
    await passwordSignIn(page, email);
    await addPasskey(page);
    await signOut(page);

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(12).toString('base64url');
    const nonce = randomBytes(12).toString('base64url');
    const authorize = new URL('/oauth/authorize', issuer);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: `${rp.origin}/callback`,
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.href);
    assert.equal(new URL(page.url()).pathname, '/login', 'no session: sent to sign in');
    const request = new URL(page.url()).searchParams.get('request');
    assert.ok(request);
    assert.equal(await page.locator('[data-passkey="signin"]').getAttribute('data-request'), request);

    await passkeyButton(page).click();
    await page.waitForURL((url) => url.origin === rp.origin);
    const callback = rp.hits.findLast((hit) => hit.pathname === '/callback');
    assert.ok(callback);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), issuer);
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
    assert.deepEqual(payload['amr'], ['hwk', 'user', 'mfa'], 'the ID token says how the user signed in');
    assertStayedHome(traffic, [rp.origin]);
  });

  test('a passkey deleted on the account page no longer signs in, and the page says so', async (t) => {
    const opened = await open(t, [NO_AUTOFILL]);
    if (opened === null) return;
    const { context, page, traffic } = opened;
    const auth = await addAuthenticator(context, page);
    const email = await newUser('deleted');
    const user = await server.core.store.getUserByEmail(email);
    assert.ok(user);
    await passwordSignIn(page, email);
    await addPasskey(page);

    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByRole('button', { name: 'Delete “Passkey”' }).click();
    await page.waitForURL(`${issuer}/account?done=passkey_deleted`);
    assert.match(await page.getByRole('status').innerText(), /^The passkey was removed from your account/);
    assert.match(await section.innerText(), /No passkeys yet/);
    assert.deepEqual(await server.core.store.listPasskeysByUser(user.id), []);
    assert.equal((await auth.credentials()).length, 1, 'the device still holds it');

    await signOut(page);
    const verify = page.waitForResponse((r) => r.url() === `${issuer}/login/passkey/verify`);
    await passkeyButton(page).click();
    assert.equal((await verify).status(), 401);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      await alert.innerText(),
      /^This passkey was not accepted\. It may have been removed from your account\./,
    );
    assert.equal(new URL(page.url()).pathname, '/login', 'still on the sign-in page');
    assert.equal(
      (await context.cookies(issuer)).some((c) => c.name === SESSION_COOKIE),
      false,
      'not signed in',
    );
    assert.equal(await passkeyButton(page).isEnabled(), true, 'the button can be used again');
    await saveScreenshot(page, 'passkeys-sign-in-refused');

    // The password still works.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${issuer}/account`);
    assertStayedHome(traffic);
  });

  test('a browser without WebAuthn: no passkey buttons, a clear message instead', async (t) => {
    const opened = await open(t, [NO_WEBAUTHN]);
    if (opened === null) return;
    const { page, traffic } = opened;
    const email = await newUser('unsupported');
    const message = "This browser doesn't support passkeys.";

    await page.goto(`${issuer}/login`);
    const signInNote = page.locator('[data-passkey="signin"] [data-passkey-unsupported]');
    await signInNote.waitFor();
    assert.equal(await signInNote.innerText(), `${message} Sign in with your email and password instead.`);
    assert.equal(await passkeyButton(page).count(), 0, 'no visible passkey button');
    await saveScreenshot(page, 'passkeys-unsupported');

    await page.goto(`${issuer}/signup`);
    const signUpNote = page.locator('[data-passkey="signup"] [data-passkey-unsupported]');
    await signUpNote.waitFor();
    assert.match(await signUpNote.innerText(), /^This browser doesn't support passkeys\. Choose a password/);
    assert.equal(await page.getByRole('button', { name: 'Sign up with a passkey' }).count(), 0);

    await passwordSignIn(page, email);
    const accountNote = page.locator('[data-passkey="register"] [data-passkey-unsupported]');
    await accountNote.waitFor();
    assert.match(await accountNote.innerText(), /^This browser doesn't support passkeys\./);
    assert.equal(await page.getByRole('button', { name: 'Add a passkey' }).count(), 0);
    await saveScreenshot(page, 'passkeys-account-unsupported');
    assertStayedHome(traffic);
  });

  test('without JavaScript: no passkey button or message shows, the password form works', async (t) => {
    const browser = await chromium.get(t);
    if (browser === null) return;
    const context = await browser.newContext({ javaScriptEnabled: false });
    t.after(() => context.close());
    const page = await context.newPage();
    const email = await newUser('nojs');
    await page.goto(`${issuer}/login`);
    assert.equal(await passkeyButton(page).count(), 0);
    assert.equal(await page.locator('[data-passkey-unsupported]').isVisible(), false);
    await page.goto(`${issuer}/signup`);
    assert.equal(await page.getByRole('heading', { name: 'Or use a passkey' }).count(), 0);
    await passwordSignIn(page, email);
    assert.equal(await page.getByRole('button', { name: 'Add a passkey' }).count(), 0);
  });
});

describe('passkey page endpoints refuse requests the page script would not send', () => {
  let server: TestServer;
  let issuer: string;

  before(async () => {
    server = await startTestServer({ issuerHost: 'localhost', env: { GATEHOUSE_RP_ID: 'localhost' } });
    issuer = server.url;
  });
  after(() => server?.close());

  /** The CSRF cookie and the page's token, as the sign-in page hands them out. */
  async function pageToken(): Promise<{ cookie: string; token: string }> {
    const response = await server.get('/login');
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const token = /data-csrf="([^"]+)"/.exec(await response.text())?.[1];
    assert.ok(cookie.startsWith('__Host-gatehouse_csrf=') && token);
    return { cookie, token };
  }

  const post = (path: string, headers: Record<string, string>, body: unknown = {}) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  test('CSRF header and Origin are both required; then the options come back', async () => {
    const { cookie, token } = await pageToken();
    const cases: Array<[string, Record<string, string>]> = [
      ['no token', { cookie, origin: issuer }],
      ['wrong token', { cookie, origin: issuer, 'x-csrf-token': 'x'.repeat(43) }],
      ['no Origin', { cookie, 'x-csrf-token': token }],
      ['foreign Origin', { cookie, origin: 'http://127.0.0.1:1', 'x-csrf-token': token }],
      ['no cookie', { origin: issuer, 'x-csrf-token': token }],
    ];
    for (const [label, headers] of cases) {
      const response = await post('/login/passkey/options', headers);
      assert.equal(response.status, 403, label);
      assert.equal(((await response.json()) as { error: string }).error, 'csrf', label);
    }
    const good = await post('/login/passkey/options', { cookie, origin: issuer, 'x-csrf-token': token });
    assert.equal(good.status, 200);
    const body = (await good.json()) as { flow_id: string; options: { rpId: string; challenge: string } };
    assert.equal(body.options.rpId, 'localhost');
    assert.ok(body.flow_id && body.options.challenge);
  });

  test('the signed-in endpoints want a browser session; a form body is refused', async () => {
    const { cookie, token } = await pageToken();
    const headers = { cookie, origin: issuer, 'x-csrf-token': token };
    const signedOut = await post('/account/passkeys/options', headers);
    assert.equal(signedOut.status, 401);
    assert.equal(((await signedOut.json()) as { error: string }).error, 'signed_out');
    const form = await fetch(`${issuer}/login/passkey/options`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40example.com',
    });
    assert.equal(form.status, 400);
  });

  test('the two scripts are served by Gatehouse with long caching for their versioned URLs', async () => {
    const html = await (await server.get('/login')).text();
    const sources = [...html.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map((m) => m[1] ?? '');
    assert.deepEqual(
      sources.map((src) => src.replace(/\?v=.*/, '')),
      ['/assets/webauthn.js', '/assets/passkeys.js'],
    );
    for (const src of sources) {
      const response = await server.get(src);
      assert.equal(response.status, 200, src);
      assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.match(response.headers.get('cache-control') ?? '', /immutable/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
    const bundle = await (await server.get(sources[0] ?? '')).text();
    assert.match(bundle, /^\/\* \[@simplewebauthn\/browser@14\./, '@simplewebauthn/browser’s bundle');
  });

  test('no passkey UI when the RP ID cannot work in a browser (an IP-address issuer)', async () => {
    const ip = await startTestServer();
    try {
      const html = await (await ip.get('/login')).text();
      assert.doesNotMatch(html, /data-passkey/);
      assert.match(html, /autocomplete="username"/);
    } finally {
      await ip.close();
    }
  });
});

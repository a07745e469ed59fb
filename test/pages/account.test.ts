import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn } from '../../src/core/accounts/sign-in.ts';
import { rotateRefreshToken } from '../../src/core/sessions/rotate-refresh-token.ts';
import { Browser, csrfFrom, SESSION_COOKIE } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';

describe('hosted account page', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer();
  });
  after(() => server.close());

  async function signedInBrowser(email: string, password = PASSWORD): Promise<Browser> {
    const browser = new Browser(server.url);
    const response = await browser.submit('/login', '/login', { email, password });
    assert.equal(response.status, 303);
    return browser;
  }

  async function apiRefreshToken(email: string, password = PASSWORD): Promise<string> {
    const tokens = await signIn(server.core, { email, password, ip: null });
    assert.ok(tokens.ok);
    return tokens.value.refresh_token ?? '';
  }

  it('sends a browser without a session to /login', async () => {
    const response = await new Browser(server.url).get('/account');
    assert.equal(response.status, 303);
    assert.equal(response.location, '/login');
  });

  it('shows email, name and creation date, and the account forms', async () => {
    await server.createConfirmedUser('ada@example.com', PASSWORD, 'Ada Lovelace');
    const page = await (await signedInBrowser('ada@example.com')).get('/account');
    assert.equal(page.status, 200);
    assert.match(page.html, /<dd>ada@example\.com<\/dd>/);
    assert.match(page.html, /<dd>Ada Lovelace<\/dd>/);
    assert.match(page.html, /<time datetime="\d{4}-\d\d-\d\dT[^"]+">\w+ \d{1,2}, \d{4}<\/time>/);
    assert.match(page.html, /<form method="post" action="\/account\/name">/);
    assert.match(
      page.html,
      /<label for="f-current_password">Current password<\/label>\s*<input id="f-current_password" name="current_password" type="password" autocomplete="current-password"/,
    );
    assert.match(
      page.html,
      /<input id="f-password" name="password" type="password" autocomplete="new-password"/,
    );
    assert.match(page.html, /<form method="post" action="\/logout">/);
    assert.match(page.html, /<form method="post" action="\/account\/signout-everywhere">/);
  });

  it('changes the name, escaping a hostile one everywhere it is shown', async () => {
    await server.createConfirmedUser('name@example.com', PASSWORD);
    const browser = await signedInBrowser('name@example.com');
    const hostile = '<img src=x onerror=alert(1)> "Bobby"';
    const response = await browser.submit('/account', '/account/name', { name: `  ${hostile}  ` });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/account?done=name');
    assert.equal((await server.core.store.getUserByEmail('name@example.com'))?.name, hostile);
    const page = await browser.get(response.location ?? '');
    assert.match(page.html, /Your name was saved\./);
    assert.doesNotMatch(page.html, /<img src=x/);
    assert.match(page.html, /<dd>&lt;img src=x onerror=alert\(1\)&gt; &quot;Bobby&quot;<\/dd>/);

    const tooLong = await browser.submit('/account', '/account/name', { name: 'x'.repeat(201) });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.html, /Use at most 200 characters\./);

    const cleared = await browser.submit('/account', '/account/name', { name: '' });
    assert.equal(cleared.status, 303);
    assert.equal((await server.core.store.getUserByEmail('name@example.com'))?.name, null);
  });

  it('changes the password: wrong current is 401; success keeps this browser, ends the rest', async () => {
    await server.createConfirmedUser('pw@example.com', PASSWORD);
    const browser = await signedInBrowser('pw@example.com');
    const other = await signedInBrowser('pw@example.com');
    const refresh = await apiRefreshToken('pw@example.com');
    const before = browser.cookies.get(SESSION_COOKIE);

    const wrong = await browser.submit('/account', '/account/password', {
      current_password: 'not it at all',
      password: 'a new passphrase here',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.html, /role="alert"[^>]*>Current password is incorrect\./);
    assert.match(wrong.html, /id="f-current_password"[^>]*aria-invalid="true"[^>]*autofocus/);

    const weak = await browser.submit('/account', '/account/password', {
      current_password: PASSWORD,
      password: 'short',
    });
    assert.equal(weak.status, 400);

    const changed = await browser.submit('/account', '/account/password', {
      current_password: PASSWORD,
      password: 'a new passphrase here',
    });
    assert.equal(changed.status, 303);
    assert.equal(changed.location, '/account?done=password');
    assert.notEqual(browser.cookies.get(SESSION_COOKIE), before, 'session id renewed');
    assert.equal((await browser.get('/account')).status, 200, 'this browser stays signed in');
    assert.equal((await other.get('/account')).status, 303, 'other browsers are signed out');
    const rotated = await rotateRefreshToken(server.core, { refreshToken: refresh });
    assert.equal(rotated.ok, false, 'token sessions are revoked');
    await server.smtp.waitFor({ to: 'pw@example.com', kind: 'password_changed' });
  });

  it('signs out everywhere: browser sessions and token sessions end, cookie cleared', async () => {
    await server.createConfirmedUser('all@example.com', PASSWORD);
    const browser = await signedInBrowser('all@example.com');
    const other = await signedInBrowser('all@example.com');
    const refresh = await apiRefreshToken('all@example.com');
    const cookie = browser.cookies.get(SESSION_COOKIE) ?? '';

    const response = await browser.submit('/account', '/account/signout-everywhere', {});
    assert.equal(response.status, 303);
    assert.equal(response.location, '/login');
    assert.ok(response.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=;`)));
    assert.equal((await other.get('/account')).status, 303);
    const replay = new Browser(server.url);
    replay.cookies.set(SESSION_COOKIE, cookie);
    assert.equal((await replay.get('/account')).status, 303);
    assert.equal((await rotateRefreshToken(server.core, { refreshToken: refresh })).ok, false);
  });

  it('refuses account posts without a session by sending the browser to sign in', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/login');
    const response = await browser.post('/account/name', { csrf: csrfFrom(page.html), name: 'Nobody' });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/login');
  });
});

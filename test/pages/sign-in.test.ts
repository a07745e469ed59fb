import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, CSRF_COOKIE, csrfFrom, SESSION_COOKIE } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';
const REQUEST = 'req_abcdefghijklmnop1234';

describe('hosted sign-in page', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer();
    await server.createConfirmedUser('ada@example.com', PASSWORD);
  });
  after(() => server.close());

  it('has labelled email and password fields, a submit button and a CSRF token', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/login');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.html, /<label for="f-email">Email<\/label>/);
    assert.match(page.html, /<input id="f-email" name="email" type="email" autocomplete="username"/);
    assert.match(page.html, /<label for="f-password">Password<\/label>/);
    assert.match(page.html, /name="password" type="password" autocomplete="current-password"/);
    assert.match(page.html, /<button type="submit"[^>]*>Sign in<\/button>/);
    assert.ok(csrfFrom(page.html).length > 20);
    assert.ok(browser.cookies.has(CSRF_COOKIE));
    assert.match(page.html, /href="\/password\/forgot"/);
    assert.match(page.html, /href="\/signup"/);
  });

  it('signs in with a session cookie of exactly the contract flags and lands on /account', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/login', '/login', {
      email: 'Ada@Example.com',
      password: PASSWORD,
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/account');
    const line = response.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    assert.ok(line, 'session cookie set');
    assert.match(
      line,
      /^__Host-gatehouse_session=ghs_[A-Za-z0-9_-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const account = await browser.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.html, /ada@example\.com/);
  });

  it('continues the OAuth flow when the page carries a request handle', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get(`/login?request=${REQUEST}`);
    assert.match(page.html, new RegExp(`name="request" value="${REQUEST}"`));
    assert.match(page.html, new RegExp(`href="/signup\\?request=${REQUEST}"`));
    const response = await browser.post('/login', {
      csrf: csrfFrom(page.html),
      request: REQUEST,
      email: 'ada@example.com',
      password: PASSWORD,
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, `/oauth/authorize/continue?request=${REQUEST}`);
  });

  it('drops a malformed request handle instead of echoing it', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/login?request=%22%3E%3Cscript%3Ex');
    assert.doesNotMatch(page.html, /name="request"/);
    assert.doesNotMatch(page.html, /<script/);
    const response = await browser.post('/login', {
      csrf: csrfFrom(page.html),
      request: 'short',
      email: 'ada@example.com',
      password: PASSWORD,
    });
    assert.equal(response.location, '/account');
  });

  it('prefills login_hint, escaped', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get(
      `/login?request=${REQUEST}&login_hint=${encodeURIComponent('"><img src=x>@x.io')}`,
    );
    assert.match(page.html, /value="&quot;&gt;&lt;img src=x&gt;@x\.io"/);
    assert.doesNotMatch(page.html, /<img src=x>/);
  });

  it('answers a wrong password with 401, the generic message and the email kept', async () => {
    const browser = new Browser(server.url);
    const wrong = await browser.submit('/login', '/login', {
      email: 'ada@example.com',
      password: 'not the password',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.html, /role="alert"[^>]*>Email or password is incorrect\.</);
    assert.match(wrong.html, /name="email" type="email" autocomplete="username" value="ada@example\.com"/);
    assert.doesNotMatch(wrong.html, /not the password/);
    assert.match(wrong.html, /id="f-password"[^>]*autofocus/);
    assert.equal(wrong.setCookies.filter((c) => c.startsWith(SESSION_COOKIE)).length, 0);

    const unknown = await browser.submit('/login', '/login', {
      email: 'nobody@example.com',
      password: 'whatever123',
    });
    assert.equal(unknown.status, 401);
    assert.match(unknown.html, /Email or password is incorrect\./);
  });

  it('renews the session id at sign-in: a planted or earlier cookie stops working (no fixation)', async () => {
    const browser = new Browser(server.url);
    browser.cookies.set(SESSION_COOKIE, 'ghs_plantedbyattacker');
    await browser.submit('/login', '/login', { email: 'ada@example.com', password: PASSWORD });
    const first = browser.cookies.get(SESSION_COOKIE);
    assert.ok(first?.startsWith('ghs_'));
    assert.notEqual(first, 'ghs_plantedbyattacker');

    // Signed in already: only an OAuth flow (prompt=login) shows the form again.
    await browser.submit(`/login?request=${REQUEST}`, '/login', {
      request: REQUEST,
      email: 'ada@example.com',
      password: PASSWORD,
    });
    const second = browser.cookies.get(SESSION_COOKIE);
    assert.notEqual(second, first);

    const stale = new Browser(server.url);
    stale.cookies.set(SESSION_COOKIE, first ?? '');
    const old = await stale.get('/account');
    assert.equal(old.status, 303);
    assert.equal(old.location, '/login');
    assert.equal((await browser.get('/account')).status, 200);
  });

  it('kills the session at /logout', async () => {
    const browser = new Browser(server.url);
    await browser.submit('/login', '/login', { email: 'ada@example.com', password: PASSWORD });
    const cookie = browser.cookies.get(SESSION_COOKIE) ?? '';
    const out = await browser.submit('/account', '/logout', {});
    assert.equal(out.status, 303);
    assert.equal(out.location, '/login');
    assert.ok(out.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=;`) && /Max-Age=0/.test(c)));
    const replay = new Browser(server.url);
    replay.cookies.set(SESSION_COOKIE, cookie);
    assert.equal((await replay.get('/account')).status, 303);
  });

  it('sends a fresh code and links to it when the email is not confirmed yet', async () => {
    await server.core.store.createUser({
      id: 'usr_unconfirmed000000000000',
      email: 'new@example.com',
      emailVerified: false,
      name: null,
      passwordHash: await server.core.passwords.hash(PASSWORD),
      roles: [],
      disabled: false,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
    const browser = new Browser(server.url);
    const response = await browser.submit(`/login?request=${REQUEST}`, '/login', {
      request: REQUEST,
      email: 'new@example.com',
      password: PASSWORD,
    });
    assert.equal(response.status, 403);
    assert.match(response.html, /Confirm your email first/);
    assert.match(
      response.html,
      new RegExp(`href="/signup/verify\\?email=new%40example.com&amp;request=${REQUEST}"`),
    );
    await server.smtp.waitFor({ to: 'new@example.com', kind: 'signup_code' });
    assert.equal(response.setCookies.filter((c) => c.startsWith(SESSION_COOKIE)).length, 0);
  });

  it('says the account is disabled only after the right password', async () => {
    await server.createConfirmedUser('off@example.com', PASSWORD);
    const user = await server.core.store.getUserByEmail('off@example.com');
    await server.core.store.updateUser(user?.id ?? '', { disabled: true }, Date.now());
    const browser = new Browser(server.url);
    const wrong = await browser.submit('/login', '/login', {
      email: 'off@example.com',
      password: 'wrong password',
    });
    assert.equal(wrong.status, 401);
    const right = await browser.submit('/login', '/login', { email: 'off@example.com', password: PASSWORD });
    assert.equal(right.status, 403);
    assert.match(right.html, /This account is disabled\./);
  });

  it('throttles repeated failures with 429 and Retry-After', async () => {
    await server.createConfirmedUser('target@example.com', PASSWORD);
    const browser = new Browser(server.url);
    let last = await browser.submit('/login', '/login', {
      email: 'target@example.com',
      password: 'wrong 0 password',
    });
    for (let i = 1; i < 8 && last.status !== 429; i++) {
      last = await browser.submit('/login', '/login', {
        email: 'target@example.com',
        password: `wrong ${i} password`,
      });
    }
    assert.equal(last.status, 429);
    assert.match(last.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match(last.html, /Too many attempts\. Try again in \d+ (second|minute)s?\./);
    assert.match(last.html, /value="target@example\.com"/);
  });

  it('sends a signed-in browser without a flow from /login to /account', async () => {
    const browser = new Browser(server.url);
    await browser.submit('/login', '/login', { email: 'ada@example.com', password: PASSWORD });
    const page = await browser.get('/login');
    assert.equal(page.status, 303);
    assert.equal(page.location, '/account');
  });

  it('shows the confirmation and reset notices', async () => {
    const browser = new Browser(server.url);
    const verified = await browser.get('/login?email=ada%40example.com&verified=1');
    assert.match(verified.html, /role="status">Email confirmed — sign in\./);
    assert.match(verified.html, /value="ada@example\.com"/);
    const reset = await browser.get('/login?reset=1');
    assert.match(reset.html, /Password changed/);
  });
});

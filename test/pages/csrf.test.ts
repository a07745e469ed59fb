import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, CSRF_COOKIE, csrfFrom, SESSION_COOKIE } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';

/** Security regression suite: a forged or replayed form post must change nothing and answer 403. */
describe('CSRF protection of page forms', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer();
    await server.createConfirmedUser('ada@example.com', PASSWORD);
  });
  after(() => server.close());

  const credentials = { email: 'ada@example.com', password: PASSWORD };

  function assertRefused(response: { status: number; html: string; setCookies: string[] }) {
    assert.equal(response.status, 403);
    assert.match(response.html, /This form has expired/);
    assert.equal(
      response.setCookies.filter((c) => c.startsWith(SESSION_COOKIE)).length,
      0,
      'no session cookie may be set',
    );
  }

  it('accepts the same sign-in with a valid token and a same-origin Origin (control)', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/login', '/login', credentials);
    assert.equal(response.status, 303);
  });

  it('refuses a post without a token', async () => {
    const browser = new Browser(server.url);
    await browser.get('/login');
    assertRefused(await browser.post('/login', credentials));
  });

  it('refuses a post without the CSRF cookie', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/login');
    browser.cookies.delete(CSRF_COOKIE);
    assertRefused(await browser.post('/login', { csrf: csrfFrom(page.html), ...credentials }));
  });

  it('refuses a token minted for another cookie (an attacker’s own token)', async () => {
    const attacker = new Browser(server.url);
    const attackerToken = csrfFrom((await attacker.get('/login')).html);
    const victim = new Browser(server.url);
    await victim.get('/login');
    assertRefused(await victim.post('/login', { csrf: attackerToken, ...credentials }));
  });

  it('refuses a planted cookie with its matching token from another browser copied in', async () => {
    // Cookie tossing: the attacker sets their cookie in the victim's browser; the pair is valid,
    // but the post still has to come from our origin.
    const attacker = new Browser(server.url);
    const token = csrfFrom((await attacker.get('/login')).html);
    const victim = new Browser(server.url);
    victim.cookies.set(CSRF_COOKIE, attacker.cookies.get(CSRF_COOKIE) ?? '');
    assertRefused(
      await victim.post('/login', { csrf: token, ...credentials }, { origin: 'https://evil.example' }),
    );
  });

  it('refuses a foreign or null Origin even with a valid token', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      `${server.origin}.evil.example`,
      server.origin.replace('http:', 'https:'),
    ]) {
      const browser = new Browser(server.url);
      assertRefused(await browser.submit('/login', '/login', credentials, { origin }));
    }
  });

  it('without Origin, accepts a valid token only from same-origin or pre-Fetch-Metadata browsers', async () => {
    const noHeaders = new Browser(server.url);
    assert.equal((await noHeaders.submit('/login', '/login', credentials, { origin: null })).status, 303);
    const sameOrigin = new Browser(server.url);
    const ok = await sameOrigin.submit('/login', '/login', credentials, {
      origin: null,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(ok.status, 303);
    for (const site of ['cross-site', 'same-site', 'none']) {
      const browser = new Browser(server.url);
      assertRefused(
        await browser.submit('/login', '/login', credentials, {
          origin: null,
          headers: { 'sec-fetch-site': site },
        }),
      );
    }
    const noToken = new Browser(server.url);
    await noToken.get('/login');
    assertRefused(await noToken.post('/login', credentials, { origin: null }));
  });

  it('binds the token to the browser session: a token from before sign-in fails after it', async () => {
    const browser = new Browser(server.url);
    const before = csrfFrom((await browser.get('/login')).html);
    await browser.submit('/login', '/login', credentials);
    const sessionCookie = browser.cookies.get(SESSION_COOKIE);
    const response = await browser.post('/logout', { csrf: before });
    assert.equal(response.status, 403);
    assert.equal(browser.cookies.get(SESSION_COOKIE), sessionCookie);
    assert.equal((await browser.get('/account')).status, 200, 'still signed in');
  });

  it('changes nothing on a refused post: no account, no mail, no name change', async () => {
    const browser = new Browser(server.url);
    await browser.get('/signup');
    const refused = await browser.post('/signup', {
      email: 'forged@example.com',
      password: 'a long enough password',
    });
    assert.equal(refused.status, 403);
    assert.equal(await server.core.store.getUserByEmail('forged@example.com'), null);
    assert.ok(!server.smtp.messages.some((m) => m.to.includes('forged@example.com')));

    await browser.submit('/login', '/login', credentials);
    const account = await browser.get('/account');
    const forged = await browser.post(
      '/account/name',
      { csrf: csrfFrom(account.html), name: 'Mallory' },
      {
        origin: 'https://evil.example',
      },
    );
    assert.equal(forged.status, 403);
    const user = await server.core.store.getUserByEmail('ada@example.com');
    assert.notEqual(user?.name, 'Mallory');
  });

  it('sets the CSRF cookie with __Host- flags', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/login');
    const line = page.setCookies.find((c) => c.startsWith(`${CSRF_COOKIE}=`));
    assert.match(
      line ?? '',
      /^__Host-gatehouse_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const again = await browser.get('/login');
    assert.equal(again.setCookies.length, 0, 'an existing cookie is reused');
  });

  it('refuses a form post that is not a form (JSON body) with 403, not 5xx', async () => {
    const browser = new Browser(server.url);
    await browser.get('/login');
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin },
      body: '{"email":',
    });
    assert.equal(response.status, 403);
  });
});

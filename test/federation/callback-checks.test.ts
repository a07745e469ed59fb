import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Browser } from './browser.ts';
import type { Tamper } from './upstream.ts';
import { GOOGLE_SECRET, locationOf, sessionUserId, startWorld, type World } from './world.ts';

/**
 * Everything the callback must refuse. Each case runs a real upstream sign-in and either
 * meddles with the callback URL or has the upstream issue a doctored ID token.
 */
describe('federation callback refuses what it must', () => {
  let world: World;
  let n = 0;
  let sub = '';

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());
  beforeEach(() => {
    sub = `g-check-${++n}`;
    world.google.accounts.set(sub, { email: `${sub}@example.com`, email_verified: true });
    world.google.nextLogin = sub;
    world.google.tamper = null;
  });

  /** Runs the upstream part and stops just before the browser returns to Gatehouse's callback. */
  async function callbackUrl(
    browser = new Browser(),
    provider = 'google',
  ): Promise<{ browser: Browser; url: URL }> {
    const { response } = await browser.go(`${world.server.url}/federation/${provider}/start`, {}, (next) =>
      next.pathname.endsWith('/callback'),
    );
    const url = new URL(locationOf(response), world.google.issuer);
    assert.equal(url.pathname, `/federation/${provider}/callback`);
    return { browser, url };
  }

  async function assertRefused(response: Response, status: number, text: RegExp, browser: Browser) {
    assert.equal(response.status, status);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), text);
    assert.equal(await sessionUserId(world, browser), null, 'not signed in');
    assert.equal(await world.server.core.store.getUserByEmail(`${sub}@example.com`), null, 'no account');
  }

  it('accepts the untouched callback (the baseline the other cases change one thing in)', async () => {
    const { browser, url } = await callbackUrl();
    const response = await browser.fetch(url);
    assert.equal(response.status, 303);
    assert.ok(await sessionUserId(world, browser));
  });

  it('refuses a tampered state', async () => {
    const { browser, url } = await callbackUrl();
    const state = url.searchParams.get('state') ?? '';
    url.searchParams.set('state', `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`);
    await assertRefused(await browser.fetch(url), 400, /has expired/, browser);
  });

  it('refuses a callback without state', async () => {
    const { browser, url } = await callbackUrl();
    url.searchParams.delete('state');
    await assertRefused(await browser.fetch(url), 400, /has expired/, browser);
  });

  it('refuses a replayed callback: the second use of the same state', async () => {
    const { browser, url } = await callbackUrl();
    const first = await browser.fetch(url);
    assert.equal(first.status, 303);
    const again = new Browser();
    again.setCookie(world.server.url, '__Host-gatehouse_federation', 'whatever');
    const replay = await again.fetch(url);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /already used/);
    assert.equal(await sessionUserId(world, again), null);
  });

  it('refuses a callback carried to another browser (no binding cookie, or a different one)', async () => {
    const { url } = await callbackUrl();
    const victim = new Browser();
    await assertRefused(await victim.fetch(url), 400, /started in this browser/, victim);

    const second = await callbackUrl();
    const other = new Browser();
    other.setCookie(
      world.server.url,
      '__Host-gatehouse_federation',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    await assertRefused(await other.fetch(second.url), 400, /started in this browser/, other);
  });

  it("refuses one provider's state at another provider's callback", async () => {
    const { browser, url } = await callbackUrl();
    const crossed = new URL(url);
    crossed.pathname = '/federation/corp/callback';
    await assertRefused(await browser.fetch(crossed), 400, /has expired/, browser);
  });

  const forged: [string, Tamper][] = [
    ['a nonce that is not ours', { claims: (c) => ({ ...c, nonce: 'someone-elses-nonce' }) }],
    ['no nonce', { claims: ({ nonce: _nonce, ...c }) => c }],
    ['a wrong audience', { claims: (c) => ({ ...c, aud: 'another-client' }) }],
    ['a wrong issuer', { claims: (c) => ({ ...c, iss: 'https://evil.example' }) }],
    [
      'an expired token',
      {
        claims: (c) => ({
          ...c,
          iat: Math.floor(Date.now() / 1000) - 7200,
          exp: Math.floor(Date.now() / 1000) - 3600,
        }),
      },
    ],
    ['no iat', { claims: ({ iat: _iat, ...c }) => c }],
    ['a signature by a key the provider never published', { signWith: 'foreign_key' }],
    ['alg: none', { signWith: 'none' }],
    ['HS256 keyed with the client secret (algorithm confusion)', { signWith: { hmacSecret: GOOGLE_SECRET } }],
  ];
  for (const [what, tamper] of forged) {
    it(`refuses an ID token with ${what}`, async () => {
      world.google.tamper = tamper;
      const { browser, url } = await callbackUrl();
      await assertRefused(await browser.fetch(url), 502, /did not confirm who you are/, browser);
    });
  }
});

describe('Google Workspace domain (hd)', () => {
  let world: World;

  before(async () => {
    world = await startWorld({ google: { hd: 'example.com' } });
  });
  after(() => world.close());

  it('asks Google for the domain and admits only ID tokens carrying it in hd', async () => {
    const start = await new Browser().fetch(`${world.server.url}/federation/google/start`);
    assert.equal(new URL(locationOf(start)).searchParams.get('hd'), 'example.com');

    world.google.accounts.set('hd-ok', {
      email: 'staff@example.com',
      email_verified: true,
      hd: 'example.com',
    });
    world.google.accounts.set('hd-other', {
      email: 'staff@other.com',
      email_verified: true,
      hd: 'other.com',
    });
    world.google.accounts.set('hd-none', { email: 'someone@gmail.com', email_verified: true });
    for (const [sub, ok] of [
      ['hd-ok', true],
      ['hd-other', false],
      ['hd-none', false],
    ] as const) {
      world.google.nextLogin = sub;
      const browser = new Browser();
      const { response } = await browser.go(
        `${world.server.url}/federation/google/start`,
        {},
        (next) => next.pathname === '/account',
      );
      if (ok) {
        assert.equal(response.status, 303, sub);
        assert.ok(await sessionUserId(world, browser));
      } else {
        assert.equal(response.status, 403, sub);
        assert.match(await response.text(), /Only example\.com accounts may sign in with Google/);
        assert.equal(await sessionUserId(world, browser), null);
      }
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { startBrowserSession } from '../../src/core/sessions/browser-session.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../../src/core/tokens/refresh-token.ts';
import { identitiesView } from '../../src/federation/account-identities.ts';
import { CSRF_COOKIE, csrfToken } from '../../src/pages/csrf.ts';
import { SESSION_COOKIE } from '../oauth/fixtures.ts';
import { Browser } from './browser.ts';
import {
  federatedSignIn,
  gatehouseAnswer,
  locationOf,
  sessionUserId,
  startWorld,
  type World,
} from './world.ts';

/** Linking and unlinking from the account page: CSRF-checked forms, a recent sign-in, never the last way in. */
describe('linked accounts on the account page', () => {
  let world: World;
  let n = 0;

  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  /** A confirmed password user and a browser signed in as them (authenticated `ageMs` ago). */
  async function passwordUser(ageMs = 0): Promise<{ userId: string; browser: Browser }> {
    const email = `page-${++n}@example.com`;
    await world.server.createConfirmedUser(email, 'correct horse battery staple');
    const user = await world.server.core.store.getUserByEmail(email);
    if (user === null) throw new Error('no user');
    const browser = new Browser();
    if (ageMs === 0) {
      const { cookieValue } = await startBrowserSession(world.server.core, { userId: user.id, amr: ['pwd'] });
      browser.setCookie(world.server.url, SESSION_COOKIE, cookieValue);
    } else {
      const cookieValue = generateOpaqueToken('ghs_');
      const now = Date.now();
      await world.server.core.store.createBrowserSession({
        hash: hashOpaqueToken(cookieValue),
        userId: user.id,
        authTime: now - ageMs,
        amr: ['pwd'],
        createdAt: now - ageMs,
        idleExpiresAt: now + 3_600_000,
        expiresAt: now + 86_400_000,
        revokedAt: null,
      });
      browser.setCookie(world.server.url, SESSION_COOKIE, cookieValue);
    }
    return { userId: user.id, browser };
  }

  /** The CSRF field a page would render for this browser (the real function, the real cookie). */
  async function csrf(browser: Browser): Promise<string> {
    const app = new Hono().get('/', (c) => c.text(csrfToken(world.server.core, c)));
    const cookies = [SESSION_COOKIE, CSRF_COOKIE]
      .map((name) => [name, browser.cookie(world.server.url, name)])
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const response = await app.request('/', { headers: { cookie: cookies } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      browser.setCookie(world.server.url, name, value);
    }
    return response.text();
  }

  async function post(
    browser: Browser,
    path: string,
    fields: Record<string, string>,
    origin = world.server.url,
  ) {
    return browser.go(
      `${world.server.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams(fields).toString(),
      },
      gatehouseAnswer(world),
    );
  }

  it('links a provider account to the signed-in user, whatever its email, and it then signs in', async () => {
    const { userId, browser } = await passwordUser();
    world.google.accounts.set('link-1', { email: 'personal@gmail.example', email_verified: false });
    world.google.nextLogin = 'link-1';
    const { response } = await post(browser, '/account/identities/google/link', {
      csrf: await csrf(browser),
    });
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/account?done=identity_linked');
    const identity = await world.server.core.store.getIdentityByIssuerSubject(world.google.issuer, 'link-1');
    assert.equal(identity?.userId, userId);
    assert.equal(identity?.email, 'personal@gmail.example');

    const later = await federatedSignIn(world, 'google');
    assert.equal(await sessionUserId(world, later.browser), userId);
  });

  it('refuses the link and unlink forms without a valid CSRF token or from another origin', async () => {
    const { browser } = await passwordUser();
    const token = await csrf(browser);
    for (const path of ['/account/identities/google/link', '/account/identities/fid_x/unlink']) {
      const missing = await post(browser, path, {});
      assert.equal(missing.response.status, 403, path);
      const forged = await post(browser, path, { csrf: 'A'.repeat(43) });
      assert.equal(forged.response.status, 403, path);
      const crossSite = await post(browser, path, { csrf: token }, 'https://evil.example');
      assert.equal(crossSite.response.status, 403, path);
    }
  });

  it('needs a sign-in within the last 10 minutes to link or unlink', async () => {
    const { userId, browser } = await passwordUser(11 * 60 * 1000);
    const link = await post(browser, '/account/identities/google/link', { csrf: await csrf(browser) });
    assert.equal(link.response.status, 403);
    assert.match(await link.response.text(), /in the last 10 minutes/);
    await world.server.core.store.linkIdentity({
      id: `fid_old_${n}`,
      userId,
      issuer: world.corp.issuer,
      subject: `old-${n}`,
      provider: 'corp',
      email: null,
      createdAt: Date.now(),
    });
    const unlink = await post(browser, `/account/identities/fid_old_${n}/unlink`, {
      csrf: await csrf(browser),
    });
    assert.equal(unlink.response.status, 403);
    assert.equal((await world.server.core.store.listIdentitiesByUser(userId)).length, 1);
  });

  it('sends a browser that is not signed in to the sign-in page', async () => {
    const browser = new Browser();
    const { response } = await post(browser, '/account/identities/google/link', {
      csrf: await csrf(browser),
    });
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/login');
  });

  it('refuses to link a provider account that already signs in to someone else', async () => {
    world.google.accounts.set('taken-1', { email: 'taken@example.com', email_verified: true });
    world.google.nextLogin = 'taken-1';
    const owner = await federatedSignIn(world, 'google');
    const ownerId = await sessionUserId(world, owner.browser);
    const { userId, browser } = await passwordUser();
    const { response } = await post(browser, '/account/identities/google/link', {
      csrf: await csrf(browser),
    });
    assert.equal(response.status, 409);
    assert.match(await response.text(), /already signs in to another account/);
    const identity = await world.server.core.store.getIdentityByIssuerSubject(world.google.issuer, 'taken-1');
    assert.equal(identity?.userId, ownerId);
    assert.deepEqual(await world.server.core.store.listIdentitiesByUser(userId), []);
  });

  it('unlinks an identity when the account keeps a password', async () => {
    const { userId, browser } = await passwordUser();
    world.google.accounts.set('unlink-1', { email: 'u1@example.com', email_verified: true });
    world.google.nextLogin = 'unlink-1';
    await post(browser, '/account/identities/google/link', { csrf: await csrf(browser) });
    const [identity] = await world.server.core.store.listIdentitiesByUser(userId);
    assert.ok(identity);
    const { response } = await post(browser, `/account/identities/${identity.id}/unlink`, {
      csrf: await csrf(browser),
    });
    assert.equal(response.status, 303);
    assert.equal(locationOf(response), '/account?done=identity_unlinked');
    assert.deepEqual(await world.server.core.store.listIdentitiesByUser(userId), []);
  });

  it("will not unlink the only way in of a federated-only account, nor someone else's identity", async () => {
    world.google.accounts.set('only-1', { email: 'only@example.com', email_verified: true });
    world.google.nextLogin = 'only-1';
    const { browser } = await federatedSignIn(world, 'google');
    const userId = await sessionUserId(world, browser);
    assert.ok(userId);
    const [google] = await world.server.core.store.listIdentitiesByUser(userId);
    assert.ok(google);
    const refused = await post(browser, `/account/identities/${google.id}/unlink`, {
      csrf: await csrf(browser),
    });
    assert.equal(refused.response.status, 409);
    assert.match(await refused.response.text(), /would lock you out/);
    const user = await world.server.core.store.getUserById(userId);
    assert.equal((await identitiesView(world.server.core, user!)).canUnlinkLast, false);

    // With a second identity, either one may go, but not both.
    world.corp.accounts.set('only-1-corp', { email: 'elsewhere@corp.example', email_verified: true });
    world.corp.nextLogin = 'only-1-corp';
    const linked = await post(browser, '/account/identities/corp/link', { csrf: await csrf(browser) });
    assert.equal(locationOf(linked.response), '/account?done=identity_linked');
    const view = await identitiesView(world.server.core, user!);
    assert.deepEqual(
      view.linked.map((i) => [i.provider, i.label, i.email]),
      [
        ['google', 'Google', 'only@example.com'],
        ['corp', 'Corp SSO', 'elsewhere@corp.example'],
      ],
    );
    assert.deepEqual(
      view.available.map((p) => [p.id, p.label, p.linkAction]),
      [
        ['google', 'Google', '/account/identities/google/link'],
        ['apple', 'Apple', '/account/identities/apple/link'],
        ['corp', 'Corp SSO', '/account/identities/corp/link'],
      ],
    );
    const first = await post(browser, view.linked[0]!.unlinkAction, { csrf: await csrf(browser) });
    assert.equal(first.response.status, 303);
    const second = await post(browser, view.linked[1]!.unlinkAction, { csrf: await csrf(browser) });
    assert.equal(second.response.status, 409);

    const stranger = await passwordUser();
    const notTheirs = await post(stranger.browser, view.linked[1]!.unlinkAction, {
      csrf: await csrf(stranger.browser),
    });
    assert.equal(notTheirs.response.status, 404);
    assert.equal((await world.server.core.store.listIdentitiesByUser(userId)).length, 1);
  });
});

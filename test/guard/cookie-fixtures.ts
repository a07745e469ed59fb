/** Shared set-up for the cookie-mode tests: a Gatehouse client for the app, and a scripted browser. */
import assert from 'node:assert/strict';
import { deriveCookieKeys, unseal } from '../../src/guard/cookie-seal.ts';
import type { CookieSession } from '../../src/guard/cookie-session.ts';
import { type SessionPayload, toSessionPayload } from '../../src/guard/session-payload.ts';
import type { TestServer } from '../helpers/server.ts';
import { authorize } from '../oauth/fixtures.ts';

export const CLIENT_ID = 'bff';
export const CLIENT_SECRET = 'bff-client-secret-that-is-at-least-32-chars';
export const SESSION_SECRET = 'cookie-session-test-secret-with-32+-bytes';
export const AUDIENCE = 'https://api.example.com';

/** Gatehouse config with one confidential client whose redirect URIs point at the test apps. */
export function cookieModeConfig(appUrls: readonly string[], tokens?: Record<string, number>) {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: appUrls.map((url) => `${url}/auth/callback`),
        post_logout_redirect_uris: appUrls.map((url) => `${url}/`),
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'notes:read'],
        audience: AUDIENCE,
        first_party: true,
      },
    ],
    roles: { member: ['notes:read'], admin: ['notes:read'] },
    default_roles: ['member'],
    ...(tokens === undefined ? {} : { tokens }),
  };
}

export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** Routes /auth/* straight to the framework-free functions: the core with no framework at all. */
export function coreSend(session: CookieSession): Send {
  return async (url, init) => {
    const request = new Request(url, init);
    switch (new URL(url).pathname) {
      case '/auth/login':
        return session.login(request);
      case '/auth/callback':
        return session.callback(request);
      case '/auth/logout':
        return session.logout(request);
      default:
        throw new Error(`coreSend: no route for ${url}`);
    }
  };
}

/** A browser's cookie jar for one origin, honouring Max-Age=0 deletions; no redirects followed. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly #send: Send;
  readonly #origin: string;

  constructor(send: Send, origin: string) {
    this.#send = send;
    this.#origin = origin;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    const response = await this.#send(new URL(path, this.#origin).href, { ...init, headers });
    this.store(response);
    return response;
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/;\s*max-age=0(;|$)/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** login → Gatehouse (already signed in there) → callback; returns the callback's response. */
export async function signIn(
  browser: Browser,
  server: TestServer,
  gatehouseCookie: string,
  returnTo = '/',
): Promise<Response> {
  const login = await browser.request(`/auth/login?return_to=${encodeURIComponent(returnTo)}`);
  assert.equal(login.status, 302, 'login redirects to the issuer');
  const atIssuer = await authorize(server, login.headers.get('location') ?? '', gatehouseCookie);
  assert.equal(atIssuer.status, 302, 'the issuer redirects back');
  const callback = await browser.request(atIssuer.headers.get('location') ?? '');
  assert.equal(callback.status, 302, `callback succeeds: ${callback.status}`);
  return callback;
}

/** Opens a sealed session cookie the way the server does (white-box checks of rotation). */
export async function openSessionCookie(
  value: string | undefined,
  secret = SESSION_SECRET,
): Promise<SessionPayload> {
  const payload = toSessionPayload(
    await unseal(value, deriveCookieKeys(secret).session, { now: () => Date.now() }),
  );
  assert.ok(payload, 'the session cookie opens');
  return payload;
}

/** RFC 7662 at Gatehouse, as the app's client. */
export async function isActive(server: TestServer, token: string): Promise<boolean> {
  const response = await fetch(`${server.url}/oauth/introspect`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { active: boolean }).active;
}

/** RFC 7009 at Gatehouse, as the app's client. */
export async function revoke(server: TestServer, token: string): Promise<void> {
  const response = await fetch(`${server.url}/oauth/revoke`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  assert.equal(response.status, 200);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

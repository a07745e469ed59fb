import { exportPKCS8, generateKeyPair } from 'jose';
import { hashOpaqueToken } from '../../src/core/tokens/refresh-token.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { oauthConfig } from '../oauth/fixtures.ts';
import { Browser } from './browser.ts';
import { startUpstream, type Upstream } from './upstream.ts';

/**
 * Gatehouse on loopback with three upstream OpenID providers, each a real oidc-provider:
 * `google` (the Google provider with its issuer overridden; claims in the ID token), `corp`
 * (a generic OIDC provider that keeps claims at userinfo) and `apple` (form_post answers,
 * client secret as an ES256 JWT the upstream verifies).
 */

export const GOOGLE_CLIENT = 'gatehouse-google';
export const GOOGLE_SECRET = 'google-client-secret-for-the-test-provider';
export const GOOGLE_ANDROID_CLIENT = 'gatehouse-android';
export const CORP_CLIENT = 'gatehouse-corp';
export const CORP_SECRET = 'corp-client-secret-for-the-test-provider';
export const APPLE_CLIENT = 'com.example.gatehouse.web';
export const APPLE_TEAM = 'TEAM123456';
export const APPLE_KEY_ID = 'KEY1234567';

export interface World {
  server: TestServer;
  google: Upstream;
  corp: Upstream;
  apple: Upstream;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Merged over the config file (e.g. `signup`, `default_roles`). */
  config?: Record<string, unknown>;
  /** Merged over `providers.google`. */
  google?: Record<string, unknown>;
  /** Sign Gatehouse's Apple client secret with a key the upstream does not know. */
  wrongAppleKey?: boolean;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const port = await freePort();
  const gatehouse = `http://127.0.0.1:${port}`;
  const callback = (provider: string) => `${gatehouse}/federation/${provider}/callback`;
  const appleKey = await generateKeyPair('ES256', { extractable: true });
  const otherKey = await generateKeyPair('ES256', { extractable: true });

  const google = await startUpstream({
    googleAccounts: true,
    clients: [
      {
        client_id: GOOGLE_CLIENT,
        client_secret: GOOGLE_SECRET,
        redirect_uris: [callback('google')],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
  });
  const corp = await startUpstream({
    conformIdTokenClaims: true,
    clients: [
      {
        client_id: CORP_CLIENT,
        client_secret: CORP_SECRET,
        redirect_uris: [callback('corp')],
      },
    ],
  });
  const apple = await startUpstream({
    clients: [{ client_id: APPLE_CLIENT, redirect_uris: [callback('apple')] }],
    apple: { clientId: APPLE_CLIENT, teamId: APPLE_TEAM, keyId: APPLE_KEY_ID, publicKey: appleKey.publicKey },
  });

  const server = await startTestServer({
    env: { PORT: String(port), GATEHOUSE_ISSUER: gatehouse },
    config: {
      ...oauthConfig,
      providers: {
        google: {
          client_id: GOOGLE_CLIENT,
          client_secret: GOOGLE_SECRET,
          issuer: google.issuer,
          client_ids: [GOOGLE_ANDROID_CLIENT],
          ...options.google,
        },
        apple: {
          client_id: APPLE_CLIENT,
          team_id: APPLE_TEAM,
          key_id: APPLE_KEY_ID,
          private_key: await exportPKCS8(options.wrongAppleKey ? otherKey.privateKey : appleKey.privateKey),
          issuer: apple.issuer,
        },
        corp: {
          type: 'oidc',
          label: 'Corp SSO',
          client_id: CORP_CLIENT,
          client_secret: CORP_SECRET,
          issuer: corp.issuer,
        },
      },
      ...options.config,
    },
  });
  return {
    server,
    google,
    corp,
    apple,
    async close() {
      await server.close();
      await Promise.all([google.close(), corp.close(), apple.close()]);
    },
  };
}

/** Stop at Gatehouse's answer to the callback (e.g. its redirect to /account), unless it goes on into OAuth. */
export function gatehouseAnswer(world: World): (next: URL) => boolean {
  const host = new URL(world.server.url).host;
  return (next) =>
    next.host === host && !next.pathname.startsWith('/federation/') && !next.pathname.startsWith('/oauth/');
}

/** Starts a sign-in at Gatehouse and follows it through the provider back to Gatehouse's answer. */
export async function federatedSignIn(
  world: World,
  provider: 'google' | 'corp',
  browser = new Browser(),
  query = '',
): Promise<{ browser: Browser; response: Response; url: URL }> {
  const { response, url } = await browser.go(
    `${world.server.url}/federation/${provider}/start${query}`,
    {},
    gatehouseAnswer(world),
  );
  return { browser, response, url };
}

/** Apple: the provider answers with an auto-submitting form; the browser posts it (plus Apple's `user`). */
export async function appleSignIn(
  world: World,
  browser = new Browser(),
  user?: Record<string, unknown>,
): Promise<{ browser: Browser; response: Response; url: URL }> {
  const page = await browser.go(`${world.server.url}/federation/apple/start`);
  if (page.response.status !== 200)
    throw new Error(`expected the form_post page, got ${page.response.status}`);
  const html = await page.response.text();
  const extra: Record<string, string> = user === undefined ? {} : { user: JSON.stringify(user) };
  const { response, url } = await browser.submitForm(html, page.url, extra, gatehouseAnswer(world));
  return { browser, response, url };
}

/** The redirect Gatehouse answered with, as a same-origin path (or the full URL when it leaves). */
export function locationOf(response: Response): string {
  return response.headers.get('location') ?? '';
}

/** The user the browser's Gatehouse session cookie belongs to, or null. */
export async function sessionUserId(world: World, browser: Browser): Promise<string | null> {
  const cookie = browser.cookie(world.server.url, '__Host-gatehouse_session');
  if (cookie === undefined) return null;
  const session = await world.server.core.store.getBrowserSession(hashOpaqueToken(cookie));
  return session?.userId ?? null;
}

/** The browser session record (for amr, auth_time). */
export async function sessionOf(world: World, browser: Browser) {
  const cookie = browser.cookie(world.server.url, '__Host-gatehouse_session');
  return cookie === undefined ? null : world.server.core.store.getBrowserSession(hashOpaqueToken(cookie));
}

import assert from 'node:assert/strict';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { startBrowserSession } from '../../src/core/sessions/browser-session.ts';
import type { TestServer } from '../helpers/server.ts';

export const WEB_SECRET = 'web-secret-that-is-at-least-32-characters-long';
export const M2M_SECRET = 'm2m-secret-that-is-at-least-32-characters-long';
export const THIRD_SECRET = 'third-party-secret-at-least-32-characters-long';

/** Clients covering each auth method, first- and third-party, per contract §1. */
export const oauthConfig = {
  clients: [
    {
      client_id: 'web',
      client_secret: WEB_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['https://app.example.com/callback'],
      post_logout_redirect_uris: ['https://app.example.com/'],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'expenses:read', 'expenses:write'],
      audience: 'https://api.example.com',
      first_party: true,
    },
    {
      client_id: 'spa',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback', 'https://spa.example.com/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      first_party: true,
    },
    {
      client_id: 'm2m',
      client_secret: M2M_SECRET,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      scopes: ['expenses:read', 'admin:users'],
      audience: 'https://api.example.com',
    },
    {
      client_id: 'third',
      client_secret: THIRD_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['https://third.example.org/cb'],
      grant_types: ['authorization_code'],
      scopes: ['openid', 'email'],
    },
  ],
  default_client: 'spa',
  roles: { admin: ['admin:users', 'expenses:write'], member: ['expenses:read'] },
  default_roles: ['member'],
};

export const SESSION_COOKIE = '__Host-gatehouse_session';

/** A confirmed user and a hosted-pages session cookie for them (sign-in pages are tested on their own). */
export async function signedInBrowser(
  server: TestServer,
  email: string,
): Promise<{ userId: string; cookie: string }> {
  await server.createConfirmedUser(email, 'correct horse battery staple');
  const user = await server.core.store.getUserByEmail(email);
  if (user === null) throw new Error('user missing');
  const { cookieValue } = await startBrowserSession(server.core, { userId: user.id, amr: ['pwd'] });
  return { userId: user.id, cookie: `${SESSION_COOKIE}=${cookieValue}` };
}

/** Follows Gatehouse-internal redirects and stops at the first one leaving the issuer. */
export async function authorize(server: TestServer, url: URL | string, cookie?: string): Promise<Response> {
  let target = new URL(url);
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(target, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    const next = new URL(location, target);
    if (next.origin !== new URL(server.url).origin || !next.pathname.startsWith('/oauth/')) return response;
    target = next;
  }
  throw new Error('too many redirects');
}

/**
 * Redeems a public client's code at the token endpoint and verifies the ID token against the
 * JWKS, as a relying party would; returns the ID token's claims for the test to assert on.
 */
export async function redeemCodeForIdToken(input: {
  discovery: { token_endpoint: string; jwks_uri: string };
  issuer: string;
  clientId: string;
  redirectUri: string;
  code: string;
  verifier: string;
}): Promise<JWTPayload> {
  const response = await fetch(input.discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: input.clientId,
      code_verifier: input.verifier,
    }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const tokens = (await response.json()) as { id_token?: string };
  assert.ok(tokens.id_token);
  const { payload } = await jwtVerify(
    tokens.id_token,
    createRemoteJWKSet(new URL(input.discovery.jwks_uri)),
    {
      issuer: input.issuer,
      audience: input.clientId,
    },
  );
  return payload;
}

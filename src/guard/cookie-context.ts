import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.ts';
import { clearCookie, isCookieName, MAX_COOKIE_BYTES, readCookie, serializeCookie } from './cookie-header.ts';
import { type CookieKeys, deriveCookieKeys, seal, unseal } from './cookie-seal.ts';
import { createOidcClient, type OidcClient, type TokenSet } from './oidc-client.ts';
import { RefreshCoalescer } from './refresh-coalescer.ts';
import { type SessionPayload, toSessionPayload } from './session-payload.ts';
import { createVerifier, type Verifier } from './verifier.ts';

export interface CookieSessionOptions {
  /** The Gatehouse issuer URL, exactly as in discovery and in tokens' `iss`. */
  issuer: string;
  clientId: string;
  /** A confidential client's secret. Omit for a public client (PKCE alone). */
  clientSecret?: string;
  /** How the secret is sent to the token endpoint. Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Where the issuer sends the browser back: the absolute URL of the mounted `/callback`. */
  redirectUri: string;
  /** Registered post-logout URI. Default: the root of `redirectUri`'s origin. */
  postLogoutRedirectUri?: string;
  /** Default `openid profile email offline_access` (offline_access: refresh tokens). */
  scope?: string;
  /** At least 32 bytes (e.g. `openssl rand -base64 32`): seals the cookies and signs CSRF tokens. */
  secret: string | Uint8Array;
  /** Default `__Host-session`, or `session` when `secure` is false. Other cookies derive from it. */
  cookieName?: string;
  /** Default true. False only for plain-http development; `__Host-` names then are refused. */
  secure?: boolean;
  /** The access token's `aud` (the client's `audience` in Gatehouse config). Default `clientId`. */
  audience?: string | readonly string[];
  /** Checks access tokens. Default: `createVerifier({ issuer, audience })`. */
  verifier?: Verifier;
  /** Session lifetime without activity, seconds; every refresh extends it. Default 14 days. */
  maxAgeSeconds?: number;
  /** Refresh this long before the access token expires (at most half its lifetime). Default 30. */
  refreshLeewaySeconds?: number;
  /** Bound on each call to the issuer, seconds. Default 10. */
  timeoutSeconds?: number;
  /** For tests: the time used for cookie and access-token expiry decisions. */
  clock?: Clock;
}

export interface CookieNames {
  /** Sealed tokens; HttpOnly. */
  session: string;
  /** The CSRF token; readable by the page's JavaScript, which echoes it in `X-CSRF-Token`. */
  csrf: string;
  /** Sealed state/nonce/PKCE verifier between login and callback; HttpOnly, 10 minutes. */
  transaction: string;
}

/** Everything the cookie-mode functions share, resolved and checked once at start-up. */
export interface SessionContext {
  names: CookieNames;
  secure: boolean;
  keys: CookieKeys;
  clock: Clock;
  oidc: OidcClient;
  verifier: Verifier;
  coalescer: RefreshCoalescer<TokenSet>;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
  maxAgeSeconds: number;
  refreshLeewaySeconds: number;
}

export const TRANSACTION_TTL_SECONDS = 600;
const DEFAULT_SCOPE = 'openid profile email offline_access';

export function resolveContext(options: CookieSessionOptions): SessionContext {
  const fail = (message: string): never => {
    throw new TypeError(`createCookieSession: ${message}`);
  };
  if (httpUrl(options.issuer) === null) fail('issuer must be an http(s) URL');
  if (typeof options.clientId !== 'string' || options.clientId.length === 0) fail('clientId is required');
  const redirect = httpUrl(options.redirectUri) ?? fail('redirectUri must be an absolute http(s) URL');
  // openid-client rebuilds redirect_uri from the callback URL minus its query, so one can't be kept.
  if (redirect.search !== '' || redirect.hash !== '') fail('redirectUri must not have a query or fragment');
  const postLogout = options.postLogoutRedirectUri ?? new URL('/', redirect).href;
  if (httpUrl(postLogout) === null) fail('postLogoutRedirectUri must be an absolute http(s) URL');
  const scope = options.scope ?? DEFAULT_SCOPE;
  if (!scope.split(' ').includes('openid')) fail('scope must include openid');

  const secure = options.secure ?? true;
  const session = options.cookieName ?? (secure ? '__Host-session' : 'session');
  if (!isCookieName(session)) fail('cookieName is not a valid cookie name');
  // Browsers silently drop a __Host- cookie without Secure: fail here, not with a login loop.
  if (!secure && session.startsWith('__Host-')) fail('a __Host- cookieName requires secure: true');

  const clock = options.clock ?? systemClock;
  const audience = options.audience ?? options.clientId;
  return {
    names: { session, csrf: `${session}_csrf`, transaction: `${session}_tx` },
    secure,
    keys: deriveCookieKeys(options.secret),
    clock,
    oidc: createOidcClient({
      issuer: options.issuer,
      clientId: options.clientId,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      tokenEndpointAuthMethod: options.tokenEndpointAuthMethod ?? 'client_secret_basic',
      timeoutSeconds: options.timeoutSeconds ?? 10,
    }),
    verifier: options.verifier ?? createVerifier({ issuer: options.issuer, audience, clock }),
    coalescer: new RefreshCoalescer<TokenSet>(clock),
    redirectUri: redirect.href,
    postLogoutRedirectUri: postLogout,
    scope,
    maxAgeSeconds: positive(options.maxAgeSeconds, 14 * 24 * 3600) ?? fail('maxAgeSeconds must be > 0'),
    refreshLeewaySeconds: options.refreshLeewaySeconds ?? 30,
  };
}

function httpUrl(value: unknown): URL | null {
  const url = typeof value === 'string' ? URL.parse(value) : null;
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') ? url : null;
}

function positive(value: number | undefined, fallback: number): number | null {
  if (value === undefined) return fallback;
  return Number.isInteger(value) && value > 0 ? value : null;
}

export const nowSeconds = (ctx: SessionContext) => Math.floor(ctx.clock.now() / 1000);

/** 128 bits from the OS CSPRNG, base64url: session ids and CSRF nonces. */
export const randomId = () => randomBytes(16).toString('base64url');

/** The session cookie's payload, or null; `present` says whether a cookie was sent at all. */
export async function readSession(
  ctx: SessionContext,
  request: Request,
): Promise<{ payload: SessionPayload | null; present: boolean }> {
  const value = readCookie(request.headers.get('cookie'), ctx.names.session);
  if (value === undefined) return { payload: null, present: false };
  return { payload: toSessionPayload(await unseal(value, ctx.keys.session, ctx.clock)), present: true };
}

/** Seals the session into its `Set-Cookie`. Too big for a browser to keep: a loud error, not a lost login. */
export async function sessionSetCookie(ctx: SessionContext, payload: SessionPayload): Promise<string> {
  const value = await seal({ ...payload }, ctx.keys.session, ctx.maxAgeSeconds, ctx.clock);
  const size = ctx.names.session.length + 1 + value.length;
  if (size > MAX_COOKIE_BYTES) {
    throw new Error(
      `cookie session: the sealed session cookie is ${size} bytes, over the ${MAX_COOKIE_BYTES} browsers keep. ` +
        'Request fewer scopes or make the tokens smaller (fewer claims, e.g. via the pre_token hook).',
    );
  }
  return serializeCookie(ctx.names.session, value, {
    maxAge: ctx.maxAgeSeconds,
    httpOnly: true,
    secure: ctx.secure,
  });
}

export function csrfSetCookie(ctx: SessionContext, token: string): string {
  return serializeCookie(ctx.names.csrf, token, {
    maxAge: ctx.maxAgeSeconds,
    httpOnly: false,
    secure: ctx.secure,
  });
}

export function transactionSetCookie(ctx: SessionContext, value: string): string {
  return serializeCookie(ctx.names.transaction, value, {
    maxAge: TRANSACTION_TTL_SECONDS,
    httpOnly: true,
    secure: ctx.secure,
  });
}

export function clearTransaction(ctx: SessionContext): string {
  return clearCookie(ctx.names.transaction, { httpOnly: true, secure: ctx.secure });
}

/** Ends the session in the browser: the sealed tokens and the CSRF token go together. */
export function clearSession(ctx: SessionContext): string[] {
  return [
    clearCookie(ctx.names.session, { httpOnly: true, secure: ctx.secure }),
    clearCookie(ctx.names.csrf, { httpOnly: false, secure: ctx.secure }),
  ];
}

/** A response that may carry cookies; never cached, since it may set tokens. */
export function respond(
  status: number,
  setCookies: readonly string[],
  init: { location?: string; text?: string } = {},
): Response {
  const headers = new Headers({ 'cache-control': 'no-store' });
  if (init.location !== undefined) headers.set('location', init.location);
  if (init.text !== undefined) headers.set('content-type', 'text/plain; charset=utf-8');
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(init.text ?? null, { status, headers });
}

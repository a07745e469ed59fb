/**
 * Cookie mode: for a backend that signs users in itself (backend-for-frontend). The backend runs
 * the authorization code flow against Gatehouse, keeps the tokens in a sealed HttpOnly cookie —
 * the browser's JavaScript never sees a token — refreshes them when they expire, and requires a
 * signed double-submit CSRF token on unsafe methods. Framework-free (Web `Request`/`Response`);
 * `gatehouse/guard/hono` and `gatehouse/guard/express` wrap it as middleware and routes.
 */
import type { Requirements } from './authorize.ts';
import { type AccessTokenClaims, hasRoles, hasScopes } from './claims.ts';
import {
  type CookieNames,
  type CookieSessionOptions,
  clearSession,
  csrfSetCookie,
  readSession,
  resolveContext,
  type SessionContext,
} from './cookie-context.ts';
import { csrfProofValid, isSafeMethod } from './cookie-csrf.ts';
import { readCookie } from './cookie-header.ts';
import { callback, type LoginOptions, login } from './cookie-login.ts';
import { logout } from './cookie-logout.ts';
import { ensureFresh } from './cookie-refresh.ts';
import { constantTimeEqual, mintCsrfToken } from './csrf-token.ts';
import type { SessionPayload, SessionUser } from './session-payload.ts';

export type { CookieNames, CookieSessionOptions } from './cookie-context.ts';
export type { LoginOptions } from './cookie-login.ts';
export type { SessionUser } from './session-payload.ts';

/** A signed-in request's session, as handed to routes. */
export interface SessionInfo {
  /** Verified access-token claims (the same shape `requireAuth` gives). */
  claims: AccessTokenClaims;
  /** For calling your other APIs on the user's behalf. Never send it to the browser. */
  accessToken: string;
  /** From the ID token: `sub`, and `email`, `email_verified`, `name` when granted. */
  user: SessionUser;
  /** The CSRF token, for server-rendered forms (a `csrf_token` field) or a `<meta>` tag. */
  csrfToken: string;
}

/**
 * `setCookies` must reach the browser whatever the outcome: a refresh rotates the refresh token,
 * and a browser left holding the spent one would be signed out on its next request.
 */
export type AuthenticateResult =
  | ({ ok: true; setCookies: string[] } & SessionInfo)
  | {
      ok: false;
      /** `no_session`: no usable cookie; `ended`: tokens revoked/expired; `unavailable`: issuer or keys unreachable. */
      reason: 'no_session' | 'ended' | 'unavailable';
      setCookies: string[];
    };

/** The verdict on one request to a protected route; adapters only map it onto responses. */
export type CookieDecision =
  | { outcome: 'allow'; session: SessionInfo; setCookies: string[] }
  | { outcome: 'unauthenticated' | 'csrf_failed' | 'insufficient' | 'unavailable'; setCookies: string[] };

export interface CookieSession {
  readonly cookieNames: Readonly<CookieNames>;
  /** `GET /login`: redirects to the issuer (400 for a `return_to` that isn't a same-origin path). */
  login(request: Request, options?: LoginOptions): Promise<Response>;
  /** `GET /callback`: completes sign-in and redirects to the return path; 400 on a bad response. */
  callback(request: Request): Promise<Response>;
  /** The current user, refreshing tokens when due. Does not check CSRF: see `guard`/`checkCsrf`. */
  authenticate(request: Request): Promise<AuthenticateResult>;
  /**
   * True for safe methods; otherwise true only with a valid proof for the current session. The
   * proof is `X-CSRF-Token` unless given (e.g. a form field your framework already parsed).
   */
  checkCsrf(request: Request, proof?: string): Promise<boolean>;
  /** CSRF (unsafe methods), then authentication and refresh, then scopes and roles. */
  guard(request: Request, requirements?: Requirements): Promise<CookieDecision>;
  /** `POST /logout` with a CSRF proof: revokes, clears cookies, redirects via the issuer. */
  logout(request: Request): Promise<Response>;
}

export function createCookieSession(options: CookieSessionOptions): CookieSession {
  const ctx = resolveContext(options);
  return {
    cookieNames: Object.freeze({ ...ctx.names }),
    login: (request, loginOptions) => login(ctx, request, loginOptions),
    callback: (request) => callback(ctx, request),
    logout: (request) => logout(ctx, request),

    async authenticate(request) {
      const { payload, present } = await readSession(ctx, request);
      if (payload === null)
        return { ok: false, reason: 'no_session', setCookies: present ? clearSession(ctx) : [] };
      return authenticateOpened(ctx, request, payload);
    },

    async checkCsrf(request, proof) {
      if (isSafeMethod(request.method)) return true;
      const { payload } = await readSession(ctx, request);
      return payload !== null && csrfProofValid(ctx, payload, request, proof);
    },

    async guard(request, requirements = {}) {
      const { payload, present } = await readSession(ctx, request);
      if (payload === null)
        return { outcome: 'unauthenticated', setCookies: present ? clearSession(ctx) : [] };
      // Before any refresh: a forged request must not even rotate the victim's tokens.
      if (!isSafeMethod(request.method) && !csrfProofValid(ctx, payload, request)) {
        return { outcome: 'csrf_failed', setCookies: [] };
      }
      const result = await authenticateOpened(ctx, request, payload);
      if (!result.ok) {
        const outcome = result.reason === 'unavailable' ? 'unavailable' : 'unauthenticated';
        return { outcome, setCookies: result.setCookies };
      }
      const { setCookies, ok: _, ...session } = result;
      const { scopes = [], roles = [] } = requirements;
      if (!hasScopes(session.claims, scopes) || !hasRoles(session.claims, roles)) {
        return { outcome: 'insufficient', setCookies };
      }
      return { outcome: 'allow', session, setCookies };
    },
  };
}

async function authenticateOpened(
  ctx: SessionContext,
  request: Request,
  payload: SessionPayload,
): Promise<AuthenticateResult> {
  const fresh = await ensureFresh(ctx, payload);
  if (!fresh.ok) return fresh;
  const csrfToken = mintCsrfToken(ctx.keys.csrf, fresh.payload.sid, fresh.payload.csn);
  const setCookies = [...fresh.setCookies];
  // Re-issue a missing or stale CSRF cookie, so a page whose cookie was lost can still post.
  const current = readCookie(request.headers.get('cookie'), ctx.names.csrf);
  if (current === undefined || !constantTimeEqual(current, csrfToken))
    setCookies.push(csrfSetCookie(ctx, csrfToken));
  return {
    ok: true,
    claims: fresh.claims,
    accessToken: fresh.payload.at,
    user: fresh.payload.user,
    csrfToken,
    setCookies,
  };
}

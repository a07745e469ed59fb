import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { decide, type Requirements } from './authorize.ts';
import { bearerToken } from './bearer.ts';
import { httpDenial } from './challenge.ts';
import type { AccessTokenClaims } from './claims.ts';
import { cookieDenial } from './cookie-denial.ts';
import type { CookieSession, SessionInfo } from './cookie-session.ts';
import type { Verifier } from './verifier.ts';

/**
 * Hono env for routes behind `requireAuth`: `c.get('auth')` is typed without a global
 * ContextVariableMap augmentation, which would leak an `auth` variable into every Hono app in the
 * program (the Gatehouse server included).
 */
export type AuthEnv = { Variables: { auth: AccessTokenClaims } };

export interface RequireAuthOptions extends Requirements {
  verifier: Verifier;
  /** Optional `realm` in `WWW-Authenticate` challenges. */
  realm?: string;
}

/**
 * Requires a valid Gatehouse access token (`Authorization: Bearer …`) holding every listed scope
 * and role. On success the claims are in `c.get('auth')`; otherwise answers 401/403 (RFC 6750)
 * or 503 when the issuer's keys can't be fetched.
 */
export function requireAuth(options: RequireAuthOptions): MiddlewareHandler<AuthEnv> {
  const { verifier, realm, scopes, roles } = options;
  return async (c, next) => {
    const decision = await decide(verifier, bearerToken(c.req.header('authorization')), { scopes, roles });
    if (decision.outcome === 'allow') {
      c.set('auth', decision.claims);
      await next();
      return;
    }
    const denial = httpDenial(decision, { realm, scopes, roles });
    return c.json(denial.body, denial.status, denial.headers);
  };
}

/** Hono env for routes behind `cookieAuth`: claims in `c.get('auth')`, the rest in `c.get('authSession')`. */
export type CookieAuthEnv = { Variables: { auth: AccessTokenClaims; authSession: SessionInfo } };

export interface CookieAuthOptions extends Requirements {
  session: CookieSession;
}

/**
 * Cookie mode for API routes called by the app's own pages: requires a signed-in session (tokens
 * refreshed transparently) and, on unsafe methods, the `X-CSRF-Token` header. Refusals are JSON,
 * never redirects — a fetch() can't follow a redirect to a login page usefully: 401 `unauthorized`
 * (the page should send the user to the login route), 403 `csrf_failed`, 403
 * `insufficient_scope`, 503 when the issuer can't be reached.
 */
export function cookieAuth(options: CookieAuthOptions): MiddlewareHandler<CookieAuthEnv> {
  const { session, scopes, roles } = options;
  return async (c, next) => {
    const decision = await session.guard(c.req.raw, { scopes, roles });
    if (decision.outcome !== 'allow') {
      const denial = cookieDenial(decision);
      for (const cookie of decision.setCookies) c.header('set-cookie', cookie, { append: true });
      return c.json(denial.body, denial.status, denial.headers);
    }
    c.set('auth', decision.session.claims);
    c.set('authSession', decision.session);
    await next();
    appendSetCookies(c, decision.setCookies);
  };
}

/**
 * `GET /login` (`?return_to=/path`), `GET /callback`, `POST /logout`. Mount where `redirectUri`
 * points: `app.route('/auth', cookieAuthRoutes(session))` for `https://app.example.com/auth/callback`.
 */
export function cookieAuthRoutes(session: CookieSession): Hono {
  return new Hono()
    .get('/login', (c) => session.login(c.req.raw))
    .get('/callback', (c) => session.callback(c.req.raw))
    .post('/logout', (c) => session.logout(c.req.raw));
}

/** After the route ran: its response may be immutable (e.g. a proxied fetch), so copy if needed. */
function appendSetCookies(c: Context, cookies: readonly string[]): void {
  if (cookies.length === 0) return;
  try {
    for (const cookie of cookies) c.res.headers.append('set-cookie', cookie);
  } catch {
    const copy = new Response(c.res.body, c.res);
    for (const cookie of cookies) copy.headers.append('set-cookie', cookie);
    // Unset first: assigning over an existing response merges the old one's cookies over ours.
    c.res = undefined;
    c.res = copy;
  }
}

export type { AccessTokenClaims } from './claims.ts';
export {
  type CookieSession,
  type CookieSessionOptions,
  createCookieSession,
  type SessionInfo,
} from './cookie-session.ts';

import type { RequestHandler } from 'express';
import { decide, type Requirements } from './authorize.ts';
import { bearerToken } from './bearer.ts';
import { httpDenial } from './challenge.ts';
import type { AccessTokenClaims } from './claims.ts';
import { cookieDenial } from './cookie-denial.ts';
import type { CookieSession, SessionInfo } from './cookie-session.ts';
import { sendWebResponse, toWebRequest } from './express-web.ts';
import type { Verifier } from './verifier.ts';

declare global {
  namespace Express {
    interface Request {
      /** Verified access-token claims, set by `requireAuth` or `cookieAuth` from `gatehouse/guard/express`. */
      auth?: AccessTokenClaims;
      /** The cookie-mode session (access token, user, CSRF token), set by `cookieAuth`. */
      authSession?: SessionInfo;
    }
  }
}

export interface RequireAuthOptions extends Requirements {
  verifier: Verifier;
  /** Optional `realm` in `WWW-Authenticate` challenges. */
  realm?: string;
}

/**
 * Requires a valid Gatehouse access token (`Authorization: Bearer …`) holding every listed scope
 * and role. On success the claims are in `req.auth`; otherwise answers 401/403 (RFC 6750) or 503
 * when the issuer's keys can't be fetched. Unexpected errors go to Express's error handler.
 */
export function requireAuth(options: RequireAuthOptions): RequestHandler {
  const { verifier, realm, scopes, roles } = options;
  return (req, res, next) => {
    decide(verifier, bearerToken(req.get('authorization')), { scopes, roles }).then((decision) => {
      if (decision.outcome === 'allow') {
        req.auth = decision.claims;
        next();
        return;
      }
      const denial = httpDenial(decision, { realm, scopes, roles });
      res.status(denial.status).set(denial.headers).json(denial.body);
    }, next);
  };
}

export interface CookieAuthOptions extends Requirements {
  session: CookieSession;
}

/**
 * Cookie mode for API routes called by the app's own pages: requires a signed-in session (tokens
 * refreshed transparently) and, on unsafe methods, the `X-CSRF-Token` header. Refusals are JSON,
 * never redirects: 401 `unauthorized` (the page should send the user to the login route), 403
 * `csrf_failed`, 403 `insufficient_scope`, 503 when the issuer can't be reached. On success
 * `req.auth` holds the claims and `req.authSession` the rest.
 */
export function cookieAuth(options: CookieAuthOptions): RequestHandler {
  const { session, scopes, roles } = options;
  return (req, res, next) => {
    toWebRequest(req)
      .then((request) => session.guard(request, { scopes, roles }))
      .then((decision) => {
        // Always, whatever the outcome: a refresh may have rotated the refresh token.
        for (const cookie of decision.setCookies) res.append('Set-Cookie', cookie);
        if (decision.outcome === 'allow') {
          req.auth = decision.session.claims;
          req.authSession = decision.session;
          next();
          return;
        }
        const denial = cookieDenial(decision);
        res.status(denial.status).set(denial.headers).json(denial.body);
      }, next);
  };
}

/**
 * `GET /login` (`?return_to=/path`), `GET /callback`, `POST /logout` (CSRF token in the
 * `X-CSRF-Token` header or a urlencoded `csrf_token` field). Mount where `redirectUri` points:
 * `app.use('/auth', cookieAuthRoutes(session))` for `https://app.example.com/auth/callback`.
 */
export function cookieAuthRoutes(session: CookieSession): RequestHandler {
  return (req, res, next) => {
    const route = `${req.method} ${req.path}`;
    const handler =
      route === 'GET /login'
        ? session.login
        : route === 'GET /callback'
          ? session.callback
          : route === 'POST /logout'
            ? session.logout
            : undefined;
    if (handler === undefined) {
      next();
      return;
    }
    toWebRequest(req, route === 'POST /logout')
      .then((request) => handler(request))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  };
}

export type { AccessTokenClaims } from './claims.ts';
export {
  type CookieSession,
  type CookieSessionOptions,
  createCookieSession,
  type SessionInfo,
} from './cookie-session.ts';

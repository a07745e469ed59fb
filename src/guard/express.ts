import type { RequestHandler } from 'express';
import { decide, type Requirements } from './authorize.ts';
import { bearerToken } from './bearer.ts';
import { httpDenial } from './challenge.ts';
import type { AccessTokenClaims } from './claims.ts';
import type { Verifier } from './verifier.ts';

declare global {
  namespace Express {
    interface Request {
      /** Verified access-token claims, set by `requireAuth` from `gatehouse/guard/express`. */
      auth?: AccessTokenClaims;
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

export type { AccessTokenClaims } from './claims.ts';

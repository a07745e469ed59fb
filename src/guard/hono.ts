import type { MiddlewareHandler } from 'hono';
import { decide, type Requirements } from './authorize.ts';
import { bearerToken } from './bearer.ts';
import { httpDenial } from './challenge.ts';
import type { AccessTokenClaims } from './claims.ts';
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

export type { AccessTokenClaims } from './claims.ts';

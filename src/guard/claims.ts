import { GuardError } from './errors.ts';

/**
 * Claims of a verified Gatehouse access token (RFC 9068 profile). `scope` and `roles` are
 * normalised so checks never have to handle "absent": a token without them has `''` and `[]`.
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Space-separated granted scopes. */
  scope: string;
  roles: string[];
  /** Present for tokens issued to a user session. */
  sid?: string;
  /** Present when the `email` scope was granted. */
  email?: string;
  [claim: string]: unknown;
}

/** RFC 9068 §2.2 claims every access token must carry (iss and aud are also checked for value). */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'] as const;

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/**
 * Checks claim *types* after the signature and iss/aud/exp were verified by jose. A signed token with
 * odd shapes is still rejected: downstream code trusts these types without rechecking.
 */
export function toAccessTokenClaims(payload: Record<string, unknown>): AccessTokenClaims {
  const { sub, jti, client_id, iat, exp, scope, roles, sid, email } = payload;
  const wellFormed =
    isString(sub) &&
    sub.length > 0 &&
    isString(jti) &&
    isString(client_id) &&
    typeof iat === 'number' &&
    typeof exp === 'number' &&
    (scope === undefined || isString(scope)) &&
    (roles === undefined || isStringArray(roles)) &&
    (sid === undefined || isString(sid)) &&
    (email === undefined || isString(email));
  if (!wellFormed) throw new GuardError('invalid_token', 'malformed_claims');
  return {
    ...payload,
    scope: scope ?? '',
    roles: roles ?? [],
  } as AccessTokenClaims;
}

export function scopesOf(claims: Pick<AccessTokenClaims, 'scope'>): string[] {
  return claims.scope.split(' ').filter((s) => s.length > 0);
}

/** True when every one of `scopes` was granted (an empty list is always satisfied). */
export function hasScopes(claims: Pick<AccessTokenClaims, 'scope'>, scopes: readonly string[]): boolean {
  const granted = new Set(scopesOf(claims));
  return scopes.every((s) => granted.has(s));
}

/** True when the subject holds every one of `roles` (an empty list is always satisfied). */
export function hasRoles(claims: Pick<AccessTokenClaims, 'roles'>, roles: readonly string[]): boolean {
  const held = new Set(claims.roles);
  return roles.every((r) => held.has(r));
}

import { type AccessTokenClaims, hasRoles, hasScopes } from './claims.ts';
import { GuardError } from './errors.ts';
import type { Verifier } from './verifier.ts';

/** What a route demands beyond a valid token. Every listed scope and every listed role is required. */
export interface Requirements {
  scopes?: readonly string[];
  roles?: readonly string[];
}

/**
 * The framework-neutral verdict on one request. Adapters (Hono, Express, API Gateway) only map
 * this onto their own response shapes, so the security decision lives in exactly one place.
 */
export type Decision =
  | { readonly outcome: 'allow'; readonly claims: AccessTokenClaims }
  | { readonly outcome: 'no_token' }
  | { readonly outcome: 'invalid_token'; readonly error: GuardError }
  | { readonly outcome: 'insufficient'; readonly claims: AccessTokenClaims }
  | { readonly outcome: 'unavailable'; readonly error: GuardError };

/** `token` is what `bearerToken()` extracted: `undefined` means none was offered. */
export async function decide(
  verifier: Verifier,
  token: string | undefined,
  requirements: Requirements,
): Promise<Decision> {
  if (token === undefined) return { outcome: 'no_token' };
  let claims: AccessTokenClaims;
  try {
    claims = await verifier.verify(token);
  } catch (error) {
    // Anything but a GuardError is a bug or a custom verifier's failure: let the host answer 500.
    if (!(error instanceof GuardError)) throw error;
    return error.code === 'jwks_unavailable'
      ? { outcome: 'unavailable', error }
      : { outcome: 'invalid_token', error };
  }
  const { scopes = [], roles = [] } = requirements;
  if (!hasScopes(claims, scopes) || !hasRoles(claims, roles)) return { outcome: 'insufficient', claims };
  return { outcome: 'allow', claims };
}

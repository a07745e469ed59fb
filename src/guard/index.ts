/**
 * `gatehouse/guard`: verify Gatehouse access tokens in your own API. Framework adapters live in
 * `gatehouse/guard/hono` and `gatehouse/guard/express`; AWS authorizers in `gatehouse/aws`.
 */
export type { Requirements } from './authorize.ts';
export { type AccessTokenClaims, hasRoles, hasScopes } from './claims.ts';
export { GuardError, type GuardErrorCode, isGuardError } from './errors.ts';
export {
  createVerifier,
  DEFAULT_ALGORITHMS,
  type SignatureAlgorithm,
  SUPPORTED_ALGORITHMS,
  type Verifier,
  type VerifierOptions,
} from './verifier.ts';

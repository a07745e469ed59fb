/**
 * `gatehouse/guard`: verify Gatehouse access tokens in your own API, or (cookie mode) sign users
 * in on your backend and keep their tokens in a sealed cookie. Framework adapters live in
 * `gatehouse/guard/hono` and `gatehouse/guard/express`; AWS authorizers in `gatehouse/aws`.
 */
export type { Requirements } from './authorize.ts';
export { type AccessTokenClaims, hasRoles, hasScopes } from './claims.ts';
export { type CookieDenial, cookieDenial } from './cookie-denial.ts';
export {
  type AuthenticateResult,
  type CookieDecision,
  type CookieNames,
  type CookieSession,
  type CookieSessionOptions,
  createCookieSession,
  type LoginOptions,
  type SessionInfo,
  type SessionUser,
} from './cookie-session.ts';
export { GuardError, type GuardErrorCode, isGuardError } from './errors.ts';
export {
  createVerifier,
  DEFAULT_ALGORITHMS,
  type SignatureAlgorithm,
  SUPPORTED_ALGORITHMS,
  type Verifier,
  type VerifierOptions,
} from './verifier.ts';

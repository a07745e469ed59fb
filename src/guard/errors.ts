/**
 * Why a token was not accepted. Callers branch on `code`, never on `message`:
 * - `invalid_token`: the token itself is bad (signature, header, claims, expiry, audience…).
 * - `jwks_unavailable`: the issuer's keys could not be had, so nothing can be verified (fail closed).
 */
export type GuardErrorCode = 'invalid_token' | 'jwks_unavailable';

const MESSAGES: Record<GuardErrorCode, string> = {
  // Deliberately generic: detail about *why* a forged token failed helps the forger, not the caller.
  invalid_token: 'The access token is not valid',
  jwks_unavailable: 'The token signing keys are unavailable',
};

export class GuardError extends Error {
  readonly code: GuardErrorCode;
  /**
   * Short machine-readable hint for server logs (e.g. `ERR_JWT_EXPIRED`, `forbidden_header`).
   * Never contains token material or claim values.
   */
  readonly reason: string;

  constructor(code: GuardErrorCode, reason: string) {
    super(MESSAGES[code]);
    this.name = 'GuardError';
    this.code = code;
    this.reason = reason;
  }
}

export function isGuardError(value: unknown): value is GuardError {
  return value instanceof GuardError;
}

/**
 * Stable error codes. `/v1` answers them as problem+json `code`; the HTTP layer owns the status
 * mapping (src/http/problem.ts). Add a code here before using it anywhere.
 */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_code',
  'invalid_credentials',
  'email_not_verified',
  'account_disabled',
  'too_many_attempts',
  'invalid_grant',
  'invalid_token',
  'insufficient_scope',
  'reauthentication_required',
  'invalid_client',
  'invalid_scope',
  'weak_password',
  'signup_disabled',
  'email_domain_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'method_not_allowed',
  'passkey_exists',
  'last_sign_in_method',
  'server_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure, returned (not thrown) by core operations. */
export interface Failure<C extends ErrorCode = ErrorCode> {
  readonly ok: false;
  readonly code: C;
  /** Safe for the caller to see: never a secret, code or token. */
  readonly detail?: string;
  /** Seconds, for `too_many_attempts`. */
  readonly retryAfter?: number;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T, C extends ErrorCode = ErrorCode> = Success<T> | Failure<C>;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail<C extends ErrorCode>(code: C, detail?: string, retryAfter?: number): Failure<C> {
  const failure: { ok: false; code: C; detail?: string; retryAfter?: number } = { ok: false, code };
  if (detail !== undefined) failure.detail = detail;
  if (retryAfter !== undefined) failure.retryAfter = retryAfter;
  return failure;
}

/** Thrown for conditions that are bugs or broken deployments, never for bad input. */
export class GatehouseError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GatehouseError';
    this.code = code;
  }
}

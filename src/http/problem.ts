import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, Failure } from '../core/errors.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_code: 400,
  invalid_grant: 400,
  invalid_scope: 400,
  weak_password: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  invalid_client: 401,
  email_not_verified: 403,
  account_disabled: 403,
  insufficient_scope: 403,
  reauthentication_required: 403,
  signup_disabled: 403,
  email_domain_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  passkey_exists: 409,
  last_sign_in_method: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  server_error: 500,
};

const TITLE: Record<ErrorCode, string> = {
  invalid_request: 'Invalid request',
  invalid_code: 'Invalid code',
  invalid_grant: 'Invalid grant',
  invalid_scope: 'Invalid scope',
  weak_password: 'Weak password',
  invalid_credentials: 'Invalid credentials',
  invalid_token: 'Invalid token',
  invalid_client: 'Invalid client',
  email_not_verified: 'Email not verified',
  account_disabled: 'Account disabled',
  insufficient_scope: 'Insufficient scope',
  reauthentication_required: 'Sign in again',
  signup_disabled: 'Sign-up disabled',
  email_domain_not_allowed: 'Email domain not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  passkey_exists: 'Passkey already registered',
  last_sign_in_method: 'Last sign-in method',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  too_many_attempts: 'Too many attempts',
  server_error: 'Server error',
};

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** An RFC 9457 problem+json answer with our stable `code`. */
export function problem(
  c: Context,
  code: ErrorCode,
  detail?: string,
  headers: Record<string, string> = {},
): Response {
  const status = STATUS[code];
  const body = {
    type: `urn:gatehouse:problem:${code}`,
    title: TITLE[code],
    status,
    code,
    detail: detail ?? TITLE[code],
  };
  return c.newResponse(JSON.stringify(body), status, {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    ...headers,
  });
}

export function problemFromFailure(c: Context, failure: Failure): Response {
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers['Retry-After'] = String(failure.retryAfter);
  if (failure.code === 'invalid_token') headers['WWW-Authenticate'] = 'Bearer error="invalid_token"';
  return problem(c, failure.code, failure.detail, headers);
}

/** RFC 6749 / OIDC Core error codes, answered as `error` by the OAuth endpoints. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_token';

export interface OAuthFailure {
  readonly ok: false;
  readonly error: OAuthErrorCode;
  /** Safe to show the client: never a secret, code or token. */
  readonly description: string;
}

export function oauthFail(error: OAuthErrorCode, description: string): OAuthFailure {
  return { ok: false, error, description };
}

export type OAuthResult<T> = { readonly ok: true; readonly value: T } | OAuthFailure;

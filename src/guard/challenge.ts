import type { Decision, Requirements } from './authorize.ts';

export interface HttpDenial {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

export interface ChallengeOptions extends Requirements {
  /** Optional `realm` for the `WWW-Authenticate` challenge. */
  realm?: string;
}

/**
 * RFC 6750 §3 response for a refused request. A request without a token gets a bare challenge
 * (no `error`), so clients can tell "log in" from "your token is bad". Unavailable keys are the
 * server's fault, not the token's: 503, so clients don't throw away a good token.
 */
export function httpDenial(
  decision: Exclude<Decision, { outcome: 'allow' }>,
  options: ChallengeOptions,
): HttpDenial {
  const realm = options.realm === undefined ? [] : [`realm=${quoted(options.realm)}`];
  const challenge = (params: string[]) => ({
    'WWW-Authenticate': params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`,
  });
  switch (decision.outcome) {
    case 'no_token':
      return {
        status: 401,
        headers: challenge(realm),
        body: { error: 'unauthorized', error_description: 'An access token is required' },
      };
    case 'invalid_token':
      return {
        status: 401,
        headers: challenge([...realm, 'error="invalid_token"']),
        body: { error: 'invalid_token', error_description: decision.error.message },
      };
    case 'insufficient': {
      const scopes = options.scopes ?? [];
      const scope = scopes.length > 0 ? [`scope=${quoted(scopes.join(' '))}`] : [];
      return {
        status: 403,
        headers: challenge([...realm, 'error="insufficient_scope"', ...scope]),
        body: {
          error: 'insufficient_scope',
          error_description: 'The access token lacks a required scope or role',
        },
      };
    }
    case 'unavailable':
      return {
        status: 503,
        headers: { 'Retry-After': '5' },
        body: { error: 'temporarily_unavailable', error_description: decision.error.message },
      };
  }
}

/** An RFC 9110 quoted-string; control characters are dropped so config can't split headers. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, '\\$&');
  return `"${clean}"`;
}

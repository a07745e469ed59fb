import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OAuthFailure } from '../oauth/errors.ts';

/** Every token-endpoint answer carries these (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §5.2 error JSON; invalid_client is 401 with a challenge for the scheme the client used. */
export function oauthError(c: Context, failure: OAuthFailure): Response {
  const status: ContentfulStatusCode = failure.error === 'invalid_client' ? 401 : 400;
  const headers: Record<string, string> = { ...NO_STORE };
  if (failure.error === 'invalid_client') {
    headers['WWW-Authenticate'] = 'Basic realm="gatehouse"';
  }
  return c.json({ error: failure.error, error_description: failure.description }, status, headers);
}

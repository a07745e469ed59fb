import type { MiddlewareHandler } from 'hono';
import { findClient } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { authenticateAccessToken } from '../core/sessions/authenticate-access-token.ts';
import type { AppEnv } from './env.ts';
import { problem, problemFromFailure } from './problem.ts';

/** Extracts an RFC 6750 Bearer token; the scheme is case-insensitive. */
export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i);
  return match?.[1] ?? null;
}

/**
 * Requires a live user access token issued to a first-party client; sets `user`. The JSON API
 * manages the account itself (passwords, passkeys, sign-out), which a token a third-party app
 * obtained through OAuth must never be able to do.
 */
export function requireUser(core: Core): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) {
      return problem(c, 'invalid_token', 'a Bearer access token is required', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const result = await authenticateAccessToken(core, token);
    if (!result.ok) return problemFromFailure(c, result);
    const client = findClient(core.config, result.value.clientId);
    if (client === null || !client.first_party) {
      return problem(c, 'invalid_token', 'this token was not issued to a first-party client', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    c.set('user', result.value);
    await next();
  };
}

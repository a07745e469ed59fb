import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { GatehouseConfig } from '../config/config.ts';
import type { AppEnv } from './env.ts';

/** Browser apps (SPAs) call the token, revocation and userinfo endpoints cross-origin. */
const CROSS_ORIGIN_PATHS = ['/oauth/token', '/oauth/revoke', '/oauth/userinfo'];

/**
 * CORS only for origins of registered redirect URIs (plus the WebAuthn origins): a page
 * elsewhere can't read token responses. No credentials mode: these endpoints don't use cookies.
 */
export function oauthCors(config: GatehouseConfig): MiddlewareHandler<AppEnv> {
  const origins = new Set(config.rpOrigins);
  for (const client of config.clients) {
    for (const uri of client.redirect_uris) origins.add(new URL(uri).origin);
  }
  const handler = cors({
    origin: (origin) => (origins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
  return async (c, next) => (CROSS_ORIGIN_PATHS.includes(c.req.path) ? handler(c, next) : next());
}

import { Hono } from 'hono';
import type { Core } from '../../core/context.ts';
import { discoveryDocument } from '../../core/discovery.ts';
import type { AppEnv } from '../env.ts';

/** Discovery and keys are public and cacheable; the next key is published ahead, so caching is safe. */
export function wellKnownRoutes(core: Core): Hono<AppEnv> {
  // Public documents: any origin may read them (SPAs discover the issuer from the browser).
  const cache = { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' };
  return new Hono<AppEnv>()
    .get('/.well-known/openid-configuration', (c) => c.json(discoveryDocument(core.config), 200, cache))
    .get('/.well-known/oauth-authorization-server', (c) => c.json(discoveryDocument(core.config), 200, cache))
    .get('/.well-known/jwks.json', async (c) => c.json(await core.keys.jwks(), 200, cache));
}

import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import { pageRoutes } from '../pages/routes.ts';
import { pageContext } from '../pages/site.ts';
import { oauthCors } from './cors.ts';
import type { AppEnv, ClientIpResolver } from './env.ts';
import { limitBody } from './json-body.ts';
import { requestContext, securityHeaders } from './middleware.ts';
import { openApiDocument } from './openapi.ts';
import { problem } from './problem.ts';
import { federationRoutes } from './routes/federation.ts';
import { healthRoutes } from './routes/health.ts';
import { oauthAuthorizeRoutes } from './routes/oauth-authorize.ts';
import { oauthLogoutRoutes } from './routes/oauth-logout.ts';
import { oauthTokenRoutes } from './routes/oauth-token.ts';
import { oauthUserinfoRoutes } from './routes/oauth-userinfo.ts';
import { accountRoutes } from './routes/v1-account.ts';
import { passkeyRoutes } from './routes/v1-passkeys.ts';
import { sessionRoutes } from './routes/v1-session.ts';
import { signUpRoutes } from './routes/v1-signup.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

export interface AppOptions {
  /** The caller's address for throttling and logs; runtimes supply it. */
  clientIp?: ClientIpResolver;
}

/** The whole HTTP surface: routes translate HTTP to core calls and nothing more. */
export function createApp(core: Core, options: AppOptions = {}): Hono<AppEnv> {
  const clientIp = options.clientIp ?? (() => null);
  const app = new Hono<AppEnv>();
  app.use('*', requestContext(core.logger, clientIp), securityHeaders, limitBody);
  app.route('/', healthRoutes(core));
  app.route('/', wellKnownRoutes(core));
  app.get('/openapi.json', (c) => c.json(openApiDocument(core.config)));
  app.route('/v1', signUpRoutes(core));
  app.route('/v1', sessionRoutes(core, clientIp));
  app.route('/v1', accountRoutes(core));
  app.route('/v1', passkeyRoutes(core));
  app.use('/oauth/*', oauthCors(core.config));
  // Branded error pages and page headers for the browser-facing OAuth endpoints.
  for (const path of ['/oauth/authorize', '/oauth/authorize/*', '/oauth/logout'])
    app.use(path, pageContext(core));
  app.route('/oauth', oauthAuthorizeRoutes(core));
  app.route('/oauth', oauthTokenRoutes(core));
  app.route('/oauth', oauthUserinfoRoutes(core));
  app.route('/oauth', oauthLogoutRoutes(core));
  app.route('/', federationRoutes(core));
  app.route('/', pageRoutes(core, { clientIp }));
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    c.get('logger').log('error', 'unhandled_error', {
      name: error.name,
      message: error.message,
      stack: error.stack,
    });
    return problem(c, 'server_error', 'something went wrong on our side');
  });
  return app;
}

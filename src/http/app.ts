import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import type { AppEnv, ClientIpResolver } from './env.ts';
import { limitBody } from './json-body.ts';
import { requestContext, securityHeaders } from './middleware.ts';
import { openApiDocument } from './openapi.ts';
import { problem } from './problem.ts';
import { healthRoutes } from './routes/health.ts';
import { accountRoutes } from './routes/v1-account.ts';
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

import type { Context } from 'hono';
import type { Logger } from '../core/log.ts';
import type { AuthenticatedUser } from '../core/sessions/authenticate-access-token.ts';

/** Per-request values the middleware sets for routes. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    user: AuthenticatedUser;
  };
}

export type AppContext = Context<AppEnv>;

/** How the runtime tells the app the caller's address (socket, API Gateway source IP). */
export type ClientIpResolver = (c: AppContext) => string | null;

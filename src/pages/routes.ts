import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import type { AppEnv, ClientIpResolver } from '../http/env.ts';
import { accountPageRoutes } from './account.ts';
import { accountSettingsRoutes } from './account-settings.ts';
import { assetRoutes } from './assets.ts';
import { consentRoutes } from './consent.ts';
import { federationPageExtension } from './federation-ui.ts';
import { forgotPasswordRoutes } from './forgot-password.ts';
import { passkeyPageRoutes } from './passkeys-routes.ts';
import { passkeyPageExtension } from './passkeys-ui.ts';
import { resetPasswordRoutes } from './reset-password.ts';
import { signInRoutes } from './sign-in.ts';
import { signOutRoutes } from './sign-out.ts';
import { signUpPageRoutes } from './sign-up.ts';
import { pageContext, registerPageExtensions } from './site.ts';
import { verifyEmailRoutes } from './verify-email.ts';

export interface PageRoutesOptions {
  /** The caller's address, so password sign-in is also throttled per IP; without it, per email only. */
  clientIp?: ClientIpResolver;
}

/**
 * Page paths get the page middleware (CSP and friends, brand for errorPage). Listed rather than
 * `use('*')`: middleware of a sub-app mounted at '/' would run for every later route of the
 * parent app too, JSON API included.
 */
export const PAGE_PATHS = [
  '/login',
  '/login/*',
  '/logout',
  '/signup',
  '/signup/*',
  '/password/*',
  '/account',
  '/account/*',
  '/consent',
  '/federation/*',
] as const;

/** The hosted pages (contract §5); mount with `app.route('/', pageRoutes(core, { clientIp }))`. */
export function pageRoutes(core: Core, options: PageRoutesOptions = {}): Hono<AppEnv> {
  registerPageExtensions(core, [passkeyPageExtension(core), federationPageExtension(core)]);
  const app = new Hono<AppEnv>();
  const context = pageContext(core);
  for (const path of PAGE_PATHS) app.use(path, context);
  app.route('/', assetRoutes(core));
  app.route('/', signInRoutes(core, options.clientIp ?? (() => null)));
  app.route('/', signUpPageRoutes(core));
  app.route('/', verifyEmailRoutes(core));
  app.route('/', forgotPasswordRoutes(core));
  app.route('/', resetPasswordRoutes(core));
  app.route('/', accountPageRoutes(core));
  app.route('/', accountSettingsRoutes(core));
  app.route('/', signOutRoutes(core));
  app.route('/', consentRoutes(core));
  app.route('/', passkeyPageRoutes(core));
  return app;
}

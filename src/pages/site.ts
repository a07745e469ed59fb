import type { MiddlewareHandler } from 'hono';
import type { FileConfig } from '../config/file-schema.ts';
import type { Core } from '../core/context.ts';
import type { PageExtension } from './extensions.ts';
import { setPageHeaders } from './security-headers.ts';

export type Brand = FileConfig['brand'];

/** What a page needs to know about the deployment: its brand and where it is served from. */
export interface PageSite {
  brand: Brand;
  /** The issuer's origin: the only `Origin` a form post may come from. */
  origin: string;
  /** HSTS only makes sense (and is only honoured) when the issuer is served over https. */
  https: boolean;
  /** Other sign-in methods' buttons and account sections. */
  extensions: readonly PageExtension[];
}

const registered = new WeakMap<Core, readonly PageExtension[]>();

/** Called once by `pageRoutes` before its page modules read the site. */
export function registerPageExtensions(core: Core, extensions: readonly PageExtension[]): void {
  registered.set(core, extensions);
}

// Type-only augmentation, so `errorPage(c, …)` (whose signature other routes already call) can
// find the brand without Core; AppEnv stays untouched. Unset outside `pageContext` routes.
declare module 'hono' {
  interface ContextVariableMap {
    gatehousePage: PageSite | undefined;
  }
}

export function siteOf(core: Core): PageSite {
  const issuer = new URL(core.config.issuer);
  return {
    brand: core.config.brand,
    origin: issuer.origin,
    https: issuer.protocol === 'https:',
    extensions: registered.get(core) ?? [],
  };
}

/**
 * For every page path: makes the site known to the handler (and to `errorPage`) and puts the
 * page security headers on whatever the handler answers, redirects and 403s included.
 */
export function pageContext(core: Core): MiddlewareHandler {
  const site = siteOf(core);
  return async (c, next) => {
    c.set('gatehousePage', site);
    await next();
    setPageHeaders(c, site.https);
  };
}

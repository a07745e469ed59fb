import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderPage } from './layout.ts';
import { setPageHeaders } from './security-headers.ts';
import type { PageSite } from './site.ts';

export interface ErrorPageInput {
  status: ContentfulStatusCode;
  title: string;
  message: string;
}

/** Used when no page middleware ran (a route outside the page paths): unbranded but still safe. */
function fallbackSite(c: Context): PageSite {
  const url = new URL(c.req.url);
  return {
    brand: { name: 'Gatehouse', color: '#2f5bea' },
    origin: url.origin,
    https: url.protocol === 'https:',
    extensions: [],
  };
}

/**
 * A page for errors that must not redirect (unknown client or redirect URI, RFC 6749 §4.1.2.1;
 * a failed CSRF check). Branded when `pageContext` ran for the route; the page headers are set
 * here too, since OAuth routes call this without that middleware.
 */
export function errorPage(c: Context, input: ErrorPageInput): Response | Promise<Response> {
  const site = c.get('gatehousePage') ?? fallbackSite(c);
  setPageHeaders(c, site.https);
  return renderPage(c, site, {
    status: input.status,
    title: input.title,
    body: html`<div class="alert" role="alert">${input.message}</div>`,
  });
}

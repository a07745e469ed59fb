import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { brandStylesheetHref, STYLESHEET_HREF } from './assets.ts';
import type { PageSite } from './site.ts';

/** A fragment from `html\`\``: interpolations in it were escaped, so it may be nested as is. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageInput {
  status?: ContentfulStatusCode;
  title: string;
  body: Html;
}

/** Only an https logo: the CSP allows https images, and anything else could be a tracking or odd scheme. */
function logo(site: PageSite): Html | null {
  const url = site.brand.logo_url;
  if (url === undefined || !url.startsWith('https://')) return null;
  // Decorative: the brand name is printed beside it.
  return html`<img src="${url}" alt="">`;
}

/** The page shell: one centred card, brand header, no inline script or style (CSP). */
export function layout(site: PageSite, input: PageInput): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${input.title} · ${site.brand.name}</title>
<link rel="stylesheet" href="${STYLESHEET_HREF}">
<link rel="stylesheet" href="${brandStylesheetHref(site.brand)}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div class="page">
<header class="site-header">${logo(site)}<span class="site-name">${site.brand.name}</span></header>
<main id="main" class="card">
<h1>${input.title}</h1>
${input.body}
</main>
</div>
</body>
</html>`;
}

export function renderPage(c: Context, site: PageSite, input: PageInput): Response | Promise<Response> {
  return c.html(layout(site, input), input.status ?? 200);
}

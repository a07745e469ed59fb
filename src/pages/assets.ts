import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import type { Brand } from './site.ts';
import { GATEHOUSE_CSS } from './stylesheet.ts';

const LONG_CACHE = 'public, max-age=31536000, immutable';
/** An unversioned or stale URL may be cached only briefly, so a changed brand shows up soon. */
const SHORT_CACHE = 'public, max-age=300';

function contentVersion(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** Text on the brand colour: white or near-black, whichever contrasts more (WCAG luminance). */
function textOn(hex: string): string {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#111111';
}

/** The brand colour as custom properties: a stylesheet, because CSP forbids inline styles. */
export function brandStylesheet(brand: Brand): string {
  // The colour passed the config schema's #rrggbb check, so it cannot break out of the rule.
  return `:root { --brand: ${brand.color}; --brand-text: ${textOn(brand.color)}; }\n`;
}

export const STYLESHEET_HREF = `/assets/gatehouse.css?v=${contentVersion(GATEHOUSE_CSS)}`;

export function brandStylesheetHref(brand: Brand): string {
  return `/assets/brand.css?v=${contentVersion(brandStylesheet(brand))}`;
}

/** Served by Gatehouse itself (no CDN); the `v` query makes the long cache safe across upgrades. */
export function assetRoutes(core: Core): Hono<AppEnv> {
  const css = { body: GATEHOUSE_CSS, version: contentVersion(GATEHOUSE_CSS) };
  const brandCss = brandStylesheet(core.config.brand);
  const brand = { body: brandCss, version: contentVersion(brandCss) };
  const app = new Hono<AppEnv>();
  for (const [path, asset] of [
    ['/assets/gatehouse.css', css],
    ['/assets/brand.css', brand],
  ] as const) {
    app.get(path, (c) => {
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', c.req.query('v') === asset.version ? LONG_CACHE : SHORT_CACHE);
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(asset.body);
    });
  }
  return app;
}

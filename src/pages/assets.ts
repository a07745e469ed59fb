import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { PASSKEYS_SCRIPT } from './passkeys-script.ts';
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

export const PASSKEYS_SCRIPT_SRC = `/assets/passkeys.js?v=${contentVersion(PASSKEYS_SCRIPT)}`;

let webauthnBundle: { body: string; version: string } | undefined;

/**
 * @simplewebauthn/browser's UMD bundle (global `SimpleWebAuthnBrowser`), read from the installed
 * package on first use (a runtime dependency, so it is there wherever Gatehouse runs).
 */
function webauthnScript(): { body: string; version: string } {
  if (webauthnBundle === undefined) {
    const entry = import.meta.resolve('@simplewebauthn/browser');
    const body = readFileSync(new URL('../dist/bundle/index.umd.min.js', entry), 'utf8');
    webauthnBundle = { body, version: contentVersion(body) };
  }
  return webauthnBundle;
}

export function webauthnScriptSrc(): string {
  return `/assets/webauthn.js?v=${webauthnScript().version}`;
}

/** Served by Gatehouse itself (no CDN); the `v` query makes the long cache safe across upgrades. */
export function assetRoutes(core: Core): Hono<AppEnv> {
  const css = { body: GATEHOUSE_CSS, version: contentVersion(GATEHOUSE_CSS) };
  const brandCss = brandStylesheet(core.config.brand);
  const brand = { body: brandCss, version: contentVersion(brandCss) };
  const passkeys = { body: PASSKEYS_SCRIPT, version: contentVersion(PASSKEYS_SCRIPT) };
  const CSS = 'text/css; charset=utf-8';
  const JS = 'text/javascript; charset=utf-8';
  const app = new Hono<AppEnv>();
  for (const [path, type, asset] of [
    ['/assets/gatehouse.css', CSS, () => css],
    ['/assets/brand.css', CSS, () => brand],
    ['/assets/webauthn.js', JS, webauthnScript],
    ['/assets/passkeys.js', JS, () => passkeys],
  ] as const) {
    app.get(path, (c) => {
      const { body, version } = asset();
      c.header('Content-Type', type);
      c.header('Cache-Control', c.req.query('v') === version ? LONG_CACHE : SHORT_CACHE);
      c.header('X-Content-Type-Options', 'nosniff');
      return c.body(body);
    });
  }
  return app;
}

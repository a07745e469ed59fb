import type { Context } from 'hono';

/**
 * No inline script or style anywhere (so no 'unsafe-inline' and no nonces): everything comes from
 * /assets. No `form-action`: Chrome enforces it along the redirect chain after a form post, which
 * would block the final hop to the client's redirect_uri.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every hosted page (and every redirect or error a page route answers) carries. */
export function setPageHeaders(c: Context, https: boolean): void {
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  // Not no-referrer: with it browsers send `Origin: null` on same-origin posts (contract §5).
  c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  // Pages carry CSRF tokens, emails and account details: never cache them anywhere.
  c.header('Cache-Control', 'no-store');
  if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

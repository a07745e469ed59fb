/**
 * Reading `Cookie` and writing `Set-Cookie` (RFC 6265) for cookie mode. Framework-free so the Hono
 * and Express adapters, and anyone else holding a Web `Request`, share one implementation.
 */

/** Browsers drop a cookie whose `name=value` exceeds 4096 bytes (RFC 6265 §6.1 minimum). */
export const MAX_COOKIE_BYTES = 4096;

export interface CookieAttributes {
  /** Seconds; 0 deletes the cookie. Omitted: a browser-session cookie. */
  maxAge?: number;
  /** False only for the CSRF cookie, which the page's JavaScript must read. */
  httpOnly: boolean;
  /** False only for plain-http development (and never with a `__Host-` name). */
  secure: boolean;
}

/**
 * The value of the first cookie called `name`, or undefined. Values are not URL-decoded: every
 * cookie this module writes is base64url or JWE compact text, which needs no encoding.
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (typeof cookieHeader !== 'string' || cookieHeader.length === 0) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.length === 0 ? undefined : value;
  }
  return undefined;
}

/**
 * A `Set-Cookie` value. Path is always `/` (required by the `__Host-` prefix, and the session is
 * the whole app's) and SameSite always Lax: sent on the top-level GET back from the issuer (the
 * callback), withheld from cross-site POSTs and subrequests.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, 'Path=/'];
  if (attributes.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`);
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push('SameSite=Lax');
  return parts.join('; ');
}

/** Deletes a cookie; the attributes must match the ones it was set with (Secure for `__Host-`). */
export function clearCookie(name: string, attributes: Omit<CookieAttributes, 'maxAge'>): string {
  return serializeCookie(name, '', { ...attributes, maxAge: 0 });
}

/** RFC 6265 cookie-name token: the names come from configuration, so they are checked once. */
export function isCookieName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

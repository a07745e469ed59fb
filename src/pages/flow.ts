/**
 * The pending authorization request a page belongs to travels as `request=<handle>` from page to
 * page (sign-in ⇄ sign-up ⇄ verify ⇄ reset). Only a well-formed handle is ever echoed back into
 * a page or a URL; anything else is dropped, and the flow ends at /account instead.
 */

const REQUEST_HANDLE = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_EMAIL_LENGTH = 320;

export function readRequestHandle(value: string | undefined | null): string | null {
  return value !== undefined && value !== null && REQUEST_HANDLE.test(value) ? value : null;
}

/** An email carried in a URL or hidden field, for prefilling only (the core validates it). */
export function readEmailParam(value: string | undefined | null): string {
  return value === undefined || value === null || value.length > MAX_EMAIL_LENGTH ? '' : value;
}

/** A same-site path with its query; empty values are left out. */
export function pagePath(path: string, params: Record<string, string | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Where a browser goes once signed in: back into the OAuth flow, or to its account page. */
export function afterSignIn(request: string | null): string {
  return request === null ? '/account' : pagePath('/oauth/authorize/continue', { request });
}

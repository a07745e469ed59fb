/**
 * CSRF protection for every form that changes state: a signed double-submit token plus an
 * `Origin` check.
 *
 * The `__Host-gatehouse_csrf` cookie holds random bytes; the form's `csrf` field is an HMAC of
 * that value (and of the browser session cookie, when there is one) under a key only Gatehouse
 * has. An attacker who can plant a cookie (a sibling subdomain, a MITM on http) still cannot mint
 * the matching field, and a token lifted from one browser or session is useless in another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Core } from '../core/context.ts';
import { hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import type { AppEnv } from '../http/env.ts';
import { SESSION_COOKIE } from '../http/session-cookie.ts';
import { errorPage } from './error-page.ts';
import { type FormFields, readForm } from './form.ts';

export const CSRF_COOKIE = '__Host-gatehouse_csrf';
export const CSRF_FIELD = 'csrf';
const COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A subkey of the code key for this one purpose, so a CSRF token can never pass for a code hash. */
function csrfKey(core: Core): Buffer {
  return createHmac('sha256', core.codeKey).update('gatehouse/csrf/v1').digest();
}

function expectedToken(core: Core, c: Context, cookieValue: string): Buffer {
  const session = getCookie(c, SESSION_COOKIE);
  const sessionBinding = session === undefined ? '' : hashOpaqueToken(session);
  return createHmac('sha256', csrfKey(core)).update(`v1\0${cookieValue}\0${sessionBinding}`).digest();
}

/** The token for forms on this response; sets the cookie first when the browser has none. */
export function csrfToken(core: Core, c: Context): string {
  let cookieValue = getCookie(c, CSRF_COOKIE);
  if (cookieValue === undefined || !COOKIE_SHAPE.test(cookieValue)) {
    cookieValue = Buffer.from(core.random.bytes(32)).toString('base64url');
    // No Max-Age: a browser-session cookie; a stale one only costs a reload.
    setCookie(c, CSRF_COOKIE, cookieValue, { secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
  }
  return expectedToken(core, c, cookieValue).toString('base64url');
}

/**
 * `Origin`, when sent, must be the issuer's (`null` included: refused). Without it, only a
 * same-origin or pre-Fetch-Metadata browser passes, and then only with a valid token.
 */
function originAllowed(core: Core, c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin === new URL(core.config.issuer).origin;
  const fetchSite = c.req.header('sec-fetch-site');
  return fetchSite === undefined || fetchSite === 'same-origin';
}

export function verifyCsrf(core: Core, c: Context, form: FormFields): boolean {
  if (!originAllowed(core, c)) return false;
  const cookieValue = getCookie(c, CSRF_COOKIE);
  if (cookieValue === undefined || !COOKIE_SHAPE.test(cookieValue)) return false;
  const presented = Buffer.from(form.get(CSRF_FIELD), 'utf8');
  const expected = Buffer.from(expectedToken(core, c, cookieValue).toString('base64url'), 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The header page scripts send the form token in, for their same-origin JSON posts. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * For `fetch()` JSON posts from the pages' own scripts: the token travels in `X-CSRF-Token`, and
 * `Origin` is required (every browser sends it on a POST from a script) and must be the issuer's.
 */
export function verifyCsrfHeader(core: Core, c: Context): boolean {
  if (c.req.header('origin') !== new URL(core.config.issuer).origin) return false;
  const token = c.req.header(CSRF_HEADER) ?? '';
  return verifyCsrf(core, c, { get: (name) => (name === CSRF_FIELD ? token : '') });
}

export type CheckedForm =
  | { ok: true; form: FormFields }
  | { ok: false; response: Response | Promise<Response> };

/** Every POST handler starts here: a failed check answers 403 before anything changes. */
export async function readCheckedForm(core: Core, c: Context<AppEnv>): Promise<CheckedForm> {
  const form = await readForm(c);
  if (verifyCsrf(core, c, form)) return { ok: true, form };
  c.get('logger').log('warn', 'csrf_rejected', { path: c.req.path });
  return {
    ok: false,
    response: errorPage(c, {
      status: 403,
      title: 'This form has expired',
      message:
        'The form was sent from somewhere else or has expired. Go back, reload the page and try again.',
    }),
  };
}

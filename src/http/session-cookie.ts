import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Core } from '../core/context.ts';
import {
  BROWSER_SESSION_ABSOLUTE_MS,
  endBrowserSession,
  resumeBrowserSession,
  startBrowserSession,
} from '../core/sessions/browser-session.ts';
import type { BrowserSessionRecord } from '../storage/port.ts';

/** Contract §5: the cookie's name and flags are fixed. `__Host-` pins it to this host and path /. */
export const SESSION_COOKIE = '__Host-gatehouse_session';

export async function readBrowserSession(core: Core, c: Context): Promise<BrowserSessionRecord | null> {
  const value = getCookie(c, SESSION_COOKIE);
  return value === undefined ? null : resumeBrowserSession(core, value);
}

/** Signs the browser in with a fresh session id (renewed at every sign-in: no fixation). */
export async function signInBrowser(
  core: Core,
  c: Context,
  userId: string,
  amr: string[],
): Promise<BrowserSessionRecord> {
  const started = await startBrowserSession(core, {
    userId,
    amr,
    previousCookieValue: getCookie(c, SESSION_COOKIE),
  });
  setCookie(c, SESSION_COOKIE, started.cookieValue, {
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.floor(BROWSER_SESSION_ABSOLUTE_MS / 1000),
  });
  return started.record;
}

export async function signOutBrowser(core: Core, c: Context): Promise<void> {
  const value = getCookie(c, SESSION_COOKIE);
  if (value !== undefined) await endBrowserSession(core, value);
  deleteCookie(c, SESSION_COOKIE, { secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
}

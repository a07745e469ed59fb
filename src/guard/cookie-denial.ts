import type { CookieDecision } from './cookie-session.ts';

export interface CookieDenial {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/**
 * JSON answers for API calls refused in cookie mode. There is no `WWW-Authenticate` challenge:
 * the client can't answer one (it holds no token); a 401 means "send the user to the login route".
 */
export function cookieDenial(decision: Exclude<CookieDecision, { outcome: 'allow' }>): CookieDenial {
  const noStore = { 'Cache-Control': 'no-store' };
  switch (decision.outcome) {
    case 'unauthenticated':
      return {
        status: 401,
        headers: noStore,
        body: { error: 'unauthorized', error_description: 'Sign-in required' },
      };
    case 'csrf_failed':
      return {
        status: 403,
        headers: noStore,
        body: { error: 'csrf_failed', error_description: 'A valid X-CSRF-Token header is required' },
      };
    case 'insufficient':
      return {
        status: 403,
        headers: noStore,
        body: { error: 'insufficient_scope', error_description: 'A required scope or role is missing' },
      };
    case 'unavailable':
      return {
        status: 503,
        headers: { ...noStore, 'Retry-After': '5' },
        body: { error: 'temporarily_unavailable', error_description: 'Sign-in service unavailable' },
      };
  }
}

/**
 * Adding a way in (a passkey, a linked provider) needs a sign-in this recent: a stolen
 * short-lived token or an unattended browser must not be turned into lasting access.
 */
export const RECENT_SIGN_IN_MS = 10 * 60 * 1000;

export function isRecentSignIn(authTime: number, now: number): boolean {
  return now - authTime <= RECENT_SIGN_IN_MS;
}

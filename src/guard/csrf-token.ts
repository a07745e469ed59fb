import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed double-submit CSRF tokens (OWASP CSRF Cheat Sheet, "Signed Double-Submit Cookie"):
 * `nonce.mac`, where mac = HMAC-SHA256(key, sessionId "." nonce). The session id lives only inside
 * the sealed, HttpOnly session cookie, so a token minted for one session is worthless in another,
 * and a cookie planted from a sibling subdomain (cookie tossing) can't carry a valid one.
 */
export function mintCsrfToken(key: Uint8Array, sessionId: string, nonce: string): string {
  return `${nonce}.${mac(key, sessionId, nonce)}`;
}

/** Real tokens are ~66 characters; anything far longer is refused before hashing. */
const MAX_TOKEN_LENGTH = 256;

/**
 * True only when the proof (header or form field) equals the CSRF cookie and that value is a MAC
 * over the current session's id. Both comparisons are constant-time.
 */
export function verifyCsrfProof(
  key: Uint8Array,
  sessionId: string,
  cookieValue: string | undefined,
  proof: string | undefined | null,
): boolean {
  if (typeof cookieValue !== 'string' || typeof proof !== 'string') return false;
  if (cookieValue.length === 0 || cookieValue.length > MAX_TOKEN_LENGTH) return false;
  if (!constantTimeEqual(cookieValue, proof)) return false;
  const dot = cookieValue.indexOf('.');
  if (dot <= 0) return false;
  const nonce = cookieValue.slice(0, dot);
  return constantTimeEqual(cookieValue.slice(dot + 1), mac(key, sessionId, nonce));
}

function mac(key: Uint8Array, sessionId: string, nonce: string): string {
  return createHmac('sha256', key).update(`${sessionId}.${nonce}`).digest('base64url');
}

/** Length is not secret (every token has the same shape), so unequal lengths may return early. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
}

import type { SessionContext } from './cookie-context.ts';
import { readCookie } from './cookie-header.ts';
import { verifyCsrfProof } from './csrf-token.ts';
import type { SessionPayload } from './session-payload.ts';

/** The header the page's JavaScript copies the CSRF cookie into. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * RFC 9110 §9.2.1 safe methods, which must not change state and so need no CSRF proof. Every
 * other method (including unknown ones) needs one.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Proof (default: the `X-CSRF-Token` header) = CSRF cookie, and the cookie is bound to this session. */
export function csrfProofValid(
  ctx: SessionContext,
  payload: SessionPayload,
  request: Request,
  proof: string | null | undefined = request.headers.get(CSRF_HEADER),
): boolean {
  const cookie = readCookie(request.headers.get('cookie'), ctx.names.csrf);
  return verifyCsrfProof(ctx.keys.csrf, payload.sid, cookie, proof);
}

import type { AccessTokenClaims } from './claims.ts';
import { clearSession, nowSeconds, type SessionContext, sessionSetCookie } from './cookie-context.ts';
import { GuardError } from './errors.ts';
import { OidcFailure, type TokenSet } from './oidc-client.ts';
import { type SessionPayload, type SessionUser, toSessionUser } from './session-payload.ts';

/** The session's tokens, made current: verified as they are, or refreshed first. */
export type Freshness =
  | { ok: true; payload: SessionPayload; claims: AccessTokenClaims; setCookies: string[] }
  /** `ended`: nothing in the session can be used any more (its cookies are cleared). */
  | { ok: false; reason: 'ended' | 'unavailable'; setCookies: string[] };

export async function ensureFresh(ctx: SessionContext, payload: SessionPayload): Promise<Freshness> {
  if (nowSeconds(ctx) < payload.ref_at) {
    try {
      return { ok: true, payload, claims: await ctx.verifier.verify(payload.at), setCookies: [] };
    } catch (error) {
      if (!(error instanceof GuardError)) throw error;
      if (error.code === 'jwks_unavailable') return { ok: false, reason: 'unavailable', setCookies: [] };
      // Expired early (clock skew with the issuer): refresh. Any other fault means the token can't be
      // trusted at all, and neither can the session that holds it.
      if (error.reason !== 'ERR_JWT_EXPIRED') return ended(ctx);
    }
  }
  const refreshed = await refresh(ctx, payload);
  // Issuer briefly unreachable, nothing rotated, token not yet expired: keep serving with it.
  if (!refreshed.ok && refreshed.reason === 'unavailable' && refreshed.setCookies.length === 0) {
    if (nowSeconds(ctx) < payload.exp_at) {
      try {
        return { ok: true, payload, claims: await ctx.verifier.verify(payload.at), setCookies: [] };
      } catch {
        return refreshed;
      }
    }
  }
  return refreshed;
}

async function refresh(ctx: SessionContext, payload: SessionPayload): Promise<Freshness> {
  const refreshToken = payload.rt;
  if (refreshToken === undefined) return ended(ctx);
  let tokens: TokenSet;
  try {
    tokens = await ctx.coalescer.run(refreshToken, () => ctx.oidc.refresh(refreshToken));
  } catch (error) {
    if (!(error instanceof OidcFailure)) throw error;
    // `invalid_grant`: revoked, expired, or already spent (and now the family is revoked).
    return error.kind === 'rejected' ? ended(ctx) : { ok: false, reason: 'unavailable', setCookies: [] };
  }
  const user = tokens.idClaims === undefined ? payload.user : toSessionUser(tokens.idClaims);
  // OIDC Core §12.2: a refreshed ID token must describe the same user.
  if (user === null || user.sub !== payload.user.sub) return ended(ctx);
  let claims: AccessTokenClaims;
  try {
    claims = await ctx.verifier.verify(tokens.accessToken);
  } catch (error) {
    if (!(error instanceof GuardError) || error.code === 'jwks_unavailable') {
      // The old refresh token is spent now: hand the browser the new ones even though this
      // request can't be served, or its next request would present a spent token.
      const next = nextPayload(ctx, payload, tokens, user, undefined);
      return { ok: false, reason: 'unavailable', setCookies: [await sessionSetCookie(ctx, next)] };
    }
    return ended(ctx);
  }
  const next = nextPayload(ctx, payload, tokens, user, claims);
  return { ok: true, payload: next, claims, setCookies: [await sessionSetCookie(ctx, next)] };
}

/** Keeps the session id and CSRF nonce (the CSRF token stays valid); keeps what wasn't reissued. */
function nextPayload(
  ctx: SessionContext,
  previous: SessionPayload,
  tokens: TokenSet,
  user: SessionUser,
  claims: AccessTokenClaims | undefined,
): SessionPayload {
  const refreshToken = tokens.refreshToken ?? previous.rt;
  const idToken = tokens.idToken ?? previous.it;
  return {
    sid: previous.sid,
    csn: previous.csn,
    at: tokens.accessToken,
    ...expiry(ctx, claims, tokens.expiresIn),
    ...(refreshToken === undefined ? {} : { rt: refreshToken }),
    ...(idToken === undefined ? {} : { it: idToken }),
    user,
  };
}

/**
 * When the access token expires, and when to refresh it: `refreshLeewaySeconds` early, but never
 * more than half its lifetime early, so short-lived tokens aren't refreshed on every request.
 * Unverified (keys down): `ref_at` is now, so the next request verifies or refreshes it.
 */
export function expiry(
  ctx: SessionContext,
  claims: AccessTokenClaims | undefined,
  expiresIn: number | undefined,
): { exp_at: number; ref_at: number } {
  const now = nowSeconds(ctx);
  if (claims === undefined) return { exp_at: now + (expiresIn ?? 0), ref_at: now };
  const lifetime = Math.max(0, claims.exp - claims.iat);
  const leeway = Math.min(ctx.refreshLeewaySeconds, Math.floor(lifetime / 2));
  return { exp_at: claims.exp, ref_at: claims.exp - leeway };
}

function ended(ctx: SessionContext): Freshness {
  return { ok: false, reason: 'ended', setCookies: clearSession(ctx) };
}

/**
 * What the sealed cookies hold. Short field names: everything here is encrypted and base64url'd
 * into a cookie that must stay under 4 KB.
 */

/** The signed-in user as the ID token described them (a subset: enough to greet them). */
export interface SessionUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface SessionPayload {
  /** Random per sign-in; the CSRF token is a MAC over it. Survives refreshes, not re-logins. */
  sid: string;
  /** The CSRF nonce, so the token can be re-minted (and handed to server-rendered forms). */
  csn: string;
  /** Access token. */
  at: string;
  /** Access token expiry, epoch seconds. */
  exp_at: number;
  /** When to refresh (a little before `exp_at`), epoch seconds. */
  ref_at: number;
  /** Refresh token, when the grant included `offline_access`. */
  rt?: string;
  /** Raw ID token: the `id_token_hint` that lets logout end the Gatehouse session too. */
  it?: string;
  user: SessionUser;
}

/** The login in progress, between `/login` and `/callback`. */
export interface TransactionPayload {
  state: string;
  nonce: string;
  /** PKCE code verifier. */
  cv: string;
  /** Validated same-origin path to land on after the callback. */
  ret: string;
}

const str = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const num = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optional = <T>(value: unknown, is: (v: unknown) => v is T) => value === undefined || is(value);

/** Shape check after decryption. Sealed data is ours, but a format change must fail closed, not crash. */
export function toSessionPayload(raw: Record<string, unknown> | null): SessionPayload | null {
  if (raw === null) return null;
  const { sid, csn, at, exp_at, ref_at, rt, it, user } = raw;
  if (!str(sid) || !str(csn) || !str(at) || !num(exp_at) || !num(ref_at)) return null;
  if (!optional(rt, str) || !optional(it, str)) return null;
  const u = toSessionUser(user);
  if (u === null) return null;
  return {
    sid,
    csn,
    at,
    exp_at,
    ref_at,
    user: u,
    ...(rt === undefined ? {} : { rt: rt as string }),
    ...(it === undefined ? {} : { it: it as string }),
  };
}

export function toTransactionPayload(raw: Record<string, unknown> | null): TransactionPayload | null {
  if (raw === null) return null;
  const { state, nonce, cv, ret } = raw;
  if (!str(state) || !str(nonce) || !str(cv) || !str(ret)) return null;
  return { state, nonce, cv, ret };
}

/** Picks the user subset out of ID token claims (or a stored copy); null without a `sub`. */
export function toSessionUser(claims: unknown): SessionUser | null {
  if (typeof claims !== 'object' || claims === null) return null;
  const { sub, email, email_verified, name } = claims as Record<string, unknown>;
  if (!str(sub)) return null;
  return {
    sub,
    ...(typeof email === 'string' ? { email } : {}),
    ...(typeof email_verified === 'boolean' ? { email_verified } : {}),
    ...(typeof name === 'string' ? { name } : {}),
  };
}

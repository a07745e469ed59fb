import type { AccessTokenClaims } from './claims.ts';
import {
  clearTransaction,
  csrfSetCookie,
  randomId,
  respond,
  type SessionContext,
  sessionSetCookie,
  TRANSACTION_TTL_SECONDS,
  transactionSetCookie,
} from './cookie-context.ts';
import { readCookie } from './cookie-header.ts';
import { expiry } from './cookie-refresh.ts';
import { seal, unseal } from './cookie-seal.ts';
import { constantTimeEqual, mintCsrfToken } from './csrf-token.ts';
import { GuardError } from './errors.ts';
import { type AuthorizationRequest, OidcFailure, type TokenSet } from './oidc-client.ts';
import { safeReturnPath } from './return-path.ts';
import { toSessionUser, toTransactionPayload } from './session-payload.ts';

export interface LoginOptions {
  /** Same-origin path to land on after sign-in. Default: the `return_to` query parameter, else `/`. */
  returnTo?: string;
}

/**
 * Starts the authorization code flow: PKCE, state and nonce are sealed into a short-lived
 * transaction cookie (nothing is kept server-side), then the browser goes to the issuer.
 */
export async function login(
  ctx: SessionContext,
  request: Request,
  options: LoginOptions = {},
): Promise<Response> {
  const requested = options.returnTo ?? new URL(request.url).searchParams.get('return_to') ?? '/';
  const returnTo = safeReturnPath(requested);
  // Refused outright rather than silently replaced: a bad link should be noticed and fixed.
  if (returnTo === null) return respond(400, [], { text: 'return_to must be a path on this site' });
  let auth: AuthorizationRequest;
  try {
    auth = await ctx.oidc.authorizationRequest({ redirectUri: ctx.redirectUri, scope: ctx.scope });
  } catch (error) {
    if (error instanceof OidcFailure) return respond(503, [], { text: 'Sign-in is unavailable; try again' });
    throw error;
  }
  const transaction = await seal(
    { state: auth.state, nonce: auth.nonce, cv: auth.codeVerifier, ret: returnTo },
    ctx.keys.transaction,
    TRANSACTION_TTL_SECONDS,
    ctx.clock,
  );
  return respond(302, [transactionSetCookie(ctx, transaction)], { location: auth.url.href });
}

/**
 * The redirect back from the issuer: checks state against the transaction cookie, lets
 * openid-client check `iss`, exchange the code with the PKCE verifier and validate the ID token
 * (nonce included), then seals the tokens into the session cookie and sets the CSRF cookie.
 */
export async function callback(ctx: SessionContext, request: Request): Promise<Response> {
  const clearTx = clearTransaction(ctx);
  const failed = (status: number, code: string) =>
    respond(status, [clearTx], { text: `Sign-in failed (${code}). Please start again.` });

  const raw = await unseal(
    readCookie(request.headers.get('cookie'), ctx.names.transaction),
    ctx.keys.transaction,
    ctx.clock,
  );
  const tx = toTransactionPayload(raw);
  if (tx === null) return failed(400, 'no_login_in_progress');
  const query = new URL(request.url).searchParams;
  // Checked here too (openid-client checks it again) for a clear answer to a forged or stale callback.
  const state = query.get('state');
  if (state === null || !constantTimeEqual(state, tx.state)) return failed(400, 'state_mismatch');

  // The authorization response against the configured redirect URI, not the Host the request
  // arrived with: behind a proxy they differ, and redirect_uri must match exactly.
  const callbackUrl = new URL(ctx.redirectUri);
  callbackUrl.search = query.toString();
  let tokens: TokenSet;
  try {
    tokens = await ctx.oidc.exchangeCode(callbackUrl, {
      state: tx.state,
      nonce: tx.nonce,
      codeVerifier: tx.cv,
    });
  } catch (error) {
    if (!(error instanceof OidcFailure)) throw error;
    return error.kind === 'rejected' ? failed(400, error.reason) : failed(502, 'issuer_unavailable');
  }
  const user = toSessionUser(tokens.idClaims);
  if (user === null) return failed(400, 'id_token_missing');

  let claims: AccessTokenClaims;
  try {
    claims = await ctx.verifier.verify(tokens.accessToken);
  } catch (error) {
    if (error instanceof GuardError && error.code === 'jwks_unavailable')
      return failed(503, 'keys_unavailable');
    // A token fresh from the token endpoint that fails verification is a configuration error
    // (audience, issuer); every later request would fail too, so say so loudly now.
    const reason = error instanceof GuardError ? error.reason : 'unexpected';
    throw new Error(
      `cookie session: the access token just issued fails verification (${reason}); ` +
        'check `audience` (the client’s audience in Gatehouse, or its client_id) and `issuer`',
    );
  }
  const sid = randomId();
  const csn = randomId();
  const sessionCookie = await sessionSetCookie(ctx, {
    sid,
    csn,
    at: tokens.accessToken,
    ...expiry(ctx, claims, tokens.expiresIn),
    ...(tokens.refreshToken === undefined ? {} : { rt: tokens.refreshToken }),
    ...(tokens.idToken === undefined ? {} : { it: tokens.idToken }),
    user,
  });
  const csrfCookie = csrfSetCookie(ctx, mintCsrfToken(ctx.keys.csrf, sid, csn));
  // Validated at login and sealed since; checked again so no code path can redirect off-site.
  const location = safeReturnPath(tx.ret) ?? '/';
  return respond(302, [clearTx, sessionCookie, csrfCookie], { location });
}

import { clearSession, readSession, respond, type SessionContext } from './cookie-context.ts';
import { csrfProofValid } from './cookie-csrf.ts';
import { readFormField } from './form-field.ts';

/** Name of the hidden form field that may carry the CSRF token to logout (header preferred). */
export const CSRF_FORM_FIELD = 'csrf_token';

/**
 * Signs out: revokes the tokens at the issuer, clears the cookies, and sends the browser to the
 * issuer's end-session endpoint (with `id_token_hint`, so Gatehouse ends its own session without
 * asking) and from there to `postLogoutRedirectUri`.
 *
 * POST only, with a CSRF proof (`X-CSRF-Token` header or a `csrf_token` form field): a GET or
 * unproven logout would let any site sign the user out of the app and of Gatehouse.
 */
export async function logout(ctx: SessionContext, request: Request): Promise<Response> {
  if (request.method !== 'POST') {
    const response = respond(405, [], { text: 'Use POST to sign out' });
    response.headers.set('allow', 'POST');
    return response;
  }
  const { payload } = await readSession(ctx, request);
  // Nothing to protect or revoke; make sure no stale cookie lingers.
  if (payload === null) return respond(303, clearSession(ctx), { location: ctx.postLogoutRedirectUri });

  const proof = request.headers.get('x-csrf-token') ?? (await readFormField(request, CSRF_FORM_FIELD));
  if (!csrfProofValid(ctx, payload, request, proof)) {
    return respond(403, [], { text: 'A valid CSRF token is required to sign out' });
  }
  const revocations = [ctx.oidc.revoke(payload.at, 'access_token')];
  if (payload.rt !== undefined) {
    ctx.coalescer.forget(payload.rt);
    revocations.push(ctx.oidc.revoke(payload.rt, 'refresh_token'));
  }
  await Promise.all(revocations);
  const endSession =
    payload.it === undefined
      ? null
      : await ctx.oidc.endSessionUrl({
          id_token_hint: payload.it,
          post_logout_redirect_uri: ctx.postLogoutRedirectUri,
        });
  return respond(303, clearSession(ctx), { location: endSession?.href ?? ctx.postLogoutRedirectUri });
}

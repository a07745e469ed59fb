import * as client from 'openid-client';
import type { Core } from '../core/context.ts';
import type { FlowState } from './flow-state.ts';
import { callbackUrl, type FederationProvider } from './providers.ts';
import { upstreamConfiguration } from './upstream-config.ts';
import { appleUserName, identityFromClaims, type UpstreamIdentity } from './upstream-identity.ts';

export type FinishFailure =
  /** The user said no upstream (`error=access_denied`). */
  | 'cancelled'
  /** Anything else: an upstream error, a bad code, an ID token that failed verification. */
  | 'upstream_rejected'
  | 'wrong_domain';

export type FinishResult = { ok: true; identity: UpstreamIdentity } | { ok: false; reason: FinishFailure };

/**
 * Redeems the code (with the PKCE verifier) and verifies the ID token: signature against the
 * upstream JWKS, `iss`, `aud`, `exp`, `iat`, `nonce`, the one allowed `alg` — all by
 * openid-client. `response` holds the callback's parameters (query, or the form of a form_post).
 */
export async function finishUpstreamFlow(
  core: Core,
  provider: FederationProvider,
  flow: FlowState,
  state: string,
  response: URLSearchParams,
): Promise<FinishResult> {
  const current = new URL(callbackUrl(core.config, provider.id));
  for (const [name, value] of response) {
    if (name !== 'user') current.searchParams.append(name, value);
  }
  try {
    const configuration = await upstreamConfiguration(core, provider);
    const tokens = await client.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) return { ok: false, reason: 'upstream_rejected' };
    let fallback: Record<string, unknown> = {};
    // Providers that keep profile claims out of the ID token hand them out at userinfo.
    if (typeof claims.email !== 'string' && configuration.serverMetadata().userinfo_endpoint !== undefined) {
      fallback = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
    }
    const appleName = provider.kind === 'apple' ? appleUserName(response.get('user') ?? undefined) : null;
    if (appleName !== null) fallback = { ...fallback, name: appleName };
    const checked = identityFromClaims(provider, claims, fallback);
    return checked.ok ? checked : { ok: false, reason: checked.reason };
  } catch (error) {
    // Apple says `user_cancelled_authorize` where others say `access_denied`.
    const cancelled =
      error instanceof client.AuthorizationResponseError &&
      (error.error === 'access_denied' || error.error === 'user_cancelled_authorize');
    core.logger.log(cancelled ? 'info' : 'warn', 'federation_callback_failed', {
      provider: provider.id,
      error_name: error instanceof Error ? error.name : 'unknown',
      reason: error instanceof Error ? error.message : String(error),
      upstream_error: error instanceof client.AuthorizationResponseError ? error.error : undefined,
    });
    return { ok: false, reason: cancelled ? 'cancelled' : 'upstream_rejected' };
  }
}

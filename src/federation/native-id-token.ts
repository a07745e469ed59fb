import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Core } from '../core/context.ts';
import type { FederationProvider } from './providers.ts';
import { upstreamConfiguration } from './upstream-config.ts';

/**
 * Verifies an ID token a native app got from the provider's SDK (Sign in with Apple on iOS,
 * Google Sign-In on Android): signature against the upstream JWKS, the provider's one allowed
 * `alg` (so never `none` or HMAC), `iss`, `aud` among the configured client ids, `exp`, `iat`,
 * and `nonce` when the token carries one.
 */

const CLOCK_TOLERANCE_S = 30;
const jwksByUri = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function remoteJwks(uri: string) {
  let jwks = jwksByUri.get(uri);
  if (jwks === undefined) {
    jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 60_000 });
    jwksByUri.set(uri, jwks);
  }
  return jwks;
}

export type NativeTokenResult =
  | { ok: true; claims: JWTPayload & { sub: string } }
  | { ok: false; reason: 'invalid_token' | 'nonce_mismatch' | 'unavailable' };

export async function verifyNativeIdToken(
  core: Core,
  provider: FederationProvider,
  idToken: string,
  nonce: string | undefined,
): Promise<NativeTokenResult> {
  let jwksUri: string | undefined;
  try {
    jwksUri = (await upstreamConfiguration(core, provider)).serverMetadata().jwks_uri;
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
  if (jwksUri === undefined) return { ok: false, reason: 'unavailable' };
  try {
    const { payload } = await jwtVerify(idToken, remoteJwks(jwksUri), {
      issuer: provider.acceptedIssuers,
      audience: provider.audiences,
      algorithms: [provider.idTokenAlg],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(core.clock.now()),
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'invalid_token' };
    // OIDC Core §3.1.3.7: with several audiences, the party it was issued to (azp) must be ours,
    // or a token minted for another app that merely lists us could be traded in.
    if (Array.isArray(payload.aud) && payload.aud.length > 1) {
      const azp = payload['azp'];
      if (typeof azp !== 'string' || !provider.audiences.includes(azp))
        return { ok: false, reason: 'invalid_token' };
    }
    // A token minted for a nonce is only good with it; a nonce sent must be the token's.
    if ((payload['nonce'] !== undefined || nonce !== undefined) && payload['nonce'] !== nonce) {
      return { ok: false, reason: 'nonce_mismatch' };
    }
    return { ok: true, claims: { ...payload, sub: payload.sub } };
  } catch (error) {
    const reason = error instanceof errors.JWKSTimeout ? 'unavailable' : 'invalid_token';
    core.logger.log('info', 'federation_native_token_rejected', {
      provider: provider.id,
      reason: error instanceof errors.JOSEError ? error.code : 'malformed',
    });
    return { ok: false, reason };
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientConfig } from '../config/file-schema.ts';
import type { Core } from '../core/context.ts';
import { grantScopes } from '../core/roles.ts';
import { newSessionId, startSession } from '../core/sessions/start-session.ts';
import type { TokenResponse } from '../core/sessions/token-response.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import type { BrowserSessionRecord } from '../storage/port.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { type OAuthResult, oauthFail } from './errors.ts';

const KIND = 'authz_code';
export const AUTHORIZATION_CODE_TTL_MS = 60_000;
/**
 * A spent code's record outlives its 60 s so that a replay arriving late is still recognised as
 * reuse and revokes the first redemption's tokens, instead of passing as merely "expired".
 */
const REUSE_MEMORY_MS = 10 * 60_000;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

interface CodePayload {
  clientId: string;
  redirectUri: string;
  scope: string[];
  nonce: string | null;
  codeChallenge: string | null;
  userId: string;
  authTime: number;
  amr: string[];
  /** End of the redeemable lifetime (the stored record lives longer, see REUSE_MEMORY_MS). */
  expiresAt?: number;
}

/** A single-use code bound to client, redirect URI, PKCE challenge and the signed-in user. */
export async function issueAuthorizationCode(
  core: Core,
  request: AuthorizationRequest,
  client: ClientConfig,
  session: BrowserSessionRecord,
): Promise<string | null> {
  const user = await core.store.getUserById(session.userId);
  if (user === null || user.disabled) return null;
  const code = generateOpaqueToken('ghc_', core.random);
  const now = core.clock.now();
  const payload: CodePayload = {
    clientId: client.client_id,
    redirectUri: request.redirectUri,
    scope: grantScopes(core.config, client, user.roles, request.scope),
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    userId: user.id,
    authTime: session.authTime,
    amr: session.amr,
    expiresAt: now + AUTHORIZATION_CODE_TTL_MS,
  };
  await core.store.putOneTime({
    kind: KIND,
    id: hashOpaqueToken(code),
    payload: JSON.stringify(payload),
    expiresAt: now + AUTHORIZATION_CODE_TTL_MS + REUSE_MEMORY_MS,
    usedAt: null,
    note: null,
  });
  return code;
}

function pkceMatches(challenge: string, verifier: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/**
 * Redeems a code once. The session id its tokens will carry is written by the consuming write,
 * so a replay finds it and revokes everything the first redemption issued (RFC 6749 §4.1.2).
 */
export async function redeemAuthorizationCode(
  core: Core,
  client: ClientConfig,
  input: { code: string | undefined; redirectUri: string | undefined; codeVerifier: string | undefined },
): Promise<OAuthResult<TokenResponse>> {
  const invalid = oauthFail('invalid_grant', 'the authorization code is invalid, expired or already used');
  if (input.code === undefined) return oauthFail('invalid_request', 'code is required');
  if (input.codeVerifier !== undefined && !VERIFIER.test(input.codeVerifier)) {
    return oauthFail('invalid_request', 'code_verifier is malformed');
  }
  const now = core.clock.now();
  const sessionId = newSessionId(core);
  const result = await core.store.consumeOneTime(KIND, hashOpaqueToken(input.code), now, sessionId);
  if (result.status === 'missing') return invalid;
  if (result.status === 'reused') {
    if (result.record.note !== null) await core.store.revokeSession(result.record.note, now);
    core.logger.log('warn', 'authorization_code_reuse', { audit: true, client_id: client.client_id });
    return invalid;
  }
  const payload = JSON.parse(result.record.payload) as CodePayload;
  if (now >= (payload.expiresAt ?? result.record.expiresAt)) return invalid;
  if (payload.clientId !== client.client_id) return invalid;
  if (input.redirectUri !== payload.redirectUri)
    return oauthFail('invalid_grant', 'redirect_uri does not match');
  if (payload.codeChallenge !== null) {
    if (input.codeVerifier === undefined || !pkceMatches(payload.codeChallenge, input.codeVerifier)) {
      return oauthFail('invalid_grant', 'PKCE verification failed');
    }
  } else if (input.codeVerifier !== undefined) {
    // A verifier for a code issued without a challenge is a downgrade attempt (RFC 9700 §2.1.1).
    return oauthFail('invalid_grant', 'PKCE verification failed');
  }
  const user = await core.store.getUserById(payload.userId);
  if (user === null || user.disabled) return invalid;
  const tokens = await startSession(core, {
    user,
    client,
    scope: payload.scope,
    amr: payload.amr,
    sessionId,
    authTime: payload.authTime,
    withRefreshToken:
      client.grant_types.includes('refresh_token') && payload.scope.includes('offline_access'),
    ...(payload.nonce !== null ? { nonce: payload.nonce } : {}),
  });
  return { ok: true, value: tokens };
}

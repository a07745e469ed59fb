import { findClient } from '../clients.ts';
import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { grantScopes } from '../roles.ts';
import { hashOpaqueToken } from '../tokens/refresh-token.ts';
import { issueUserTokens } from './issue-tokens.ts';
import { isSessionLive } from './start-session.ts';
import type { TokenResponse } from './token-response.ts';

export interface RotateInput {
  refreshToken: string;
  /** When given, the token must have been issued to this client (an authenticated caller). */
  clientId?: string;
  /**
   * For callers that authenticate no client (`/v1/refresh`): only tokens of first-party clients
   * are accepted, checked before the token is spent so a refused call costs the owner nothing.
   */
  firstPartyOnly?: boolean;
  /** A narrower scope (RFC 6749 §6); never wider than the original grant. */
  scope?: string[];
}

/**
 * Spends the refresh token and issues its successor in the same family. A spent token presented
 * again means it leaked: the whole family is revoked (RFC 9700 §4.14.2).
 */
export async function rotateRefreshToken(
  core: Core,
  input: RotateInput,
): Promise<Result<TokenResponse, 'invalid_grant' | 'invalid_scope'>> {
  const now = core.clock.now();
  const hash = hashOpaqueToken(input.refreshToken);
  if (input.firstPartyOnly === true) {
    const record = await core.store.getRefreshToken(hash);
    const owner = record === null ? null : findClient(core.config, record.clientId);
    if (record !== null && owner?.first_party !== true) {
      return fail('invalid_grant', 'this refresh token must be used at the token endpoint by its client');
    }
  }
  if (input.scope !== undefined) {
    // Checked before spending the token, so a client asking too much doesn't lose the session.
    const record = await core.store.getRefreshToken(hash);
    const held = record?.scope.split(' ') ?? [];
    if (record !== null && !input.scope.every((s) => held.includes(s))) {
      return fail('invalid_scope', 'requested scope exceeds the original grant');
    }
  }
  const consumed = await core.store.consumeRefreshToken(hash, now);
  if (consumed.status === 'missing') return fail('invalid_grant', 'refresh token is invalid or expired');
  const token = consumed.token;
  if (consumed.status === 'reused') {
    await core.store.revokeSession(token.sessionId, now);
    core.logger.log('warn', 'refresh_token_reuse', { audit: true, sub: token.userId, sid: token.sessionId });
    return fail('invalid_grant', 'refresh token was already used; the session is revoked');
  }
  if (input.clientId !== undefined && input.clientId !== token.clientId) {
    await core.store.revokeSession(token.sessionId, now);
    return fail('invalid_grant', 'refresh token was issued to another client');
  }
  const [session, user] = await Promise.all([
    core.store.getSession(token.sessionId),
    core.store.getUserById(token.userId),
  ]);
  const client = findClient(core.config, token.clientId);
  if (!isSessionLive(session, now) || user === null || user.disabled || client === null) {
    return fail('invalid_grant', 'refresh token is invalid or expired');
  }
  // Re-granted against today's roles and client config: a user who lost a role loses its scopes
  // at the next refresh, not when the refresh token expires.
  const granted = grantScopes(
    core.config,
    client,
    user.roles,
    token.scope.split(' ').filter((s) => s !== ''),
  );
  return ok(
    await issueUserTokens(core, {
      user,
      client,
      session,
      scope: input.scope?.filter((s) => granted.includes(s)) ?? granted,
      // RFC 6749 §6: a narrower request narrows the access token, never the refresh token.
      refreshTokenScope: granted,
      withRefreshToken: true,
    }),
  );
}

import type { Core } from '../context.ts';
import { hashOpaqueToken } from '../tokens/refresh-token.ts';

/**
 * Revokes the session a refresh token belongs to. Answers the same whether or not the token was
 * known (RFC 7009 style), so sign-out reveals nothing. The token is spent in the process, which
 * is harmless: its session is being revoked anyway.
 */
export async function signOut(core: Core, refreshToken: string): Promise<void> {
  const now = core.clock.now();
  const result = await core.store.consumeRefreshToken(hashOpaqueToken(refreshToken), now);
  if (result.status !== 'missing') await core.store.revokeSession(result.token.sessionId, now);
}

export async function signOutEverywhere(core: Core, userId: string): Promise<void> {
  const now = core.clock.now();
  await core.store.revokeUserSessions(userId, now);
  await core.store.revokeUserBrowserSessions(userId, now);
  core.logger.log('info', 'signed_out_everywhere', { audit: true, sub: userId });
}

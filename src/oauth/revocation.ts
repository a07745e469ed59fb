import type { ClientConfig } from '../config/file-schema.ts';
import type { Core } from '../core/context.ts';
import { verifyAccessToken } from '../core/tokens/access-token.ts';
import { hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import { revokeAccessTokenId } from '../core/tokens/revoked-access-tokens.ts';

/**
 * RFC 7009. Revoking a refresh token ends its whole session; revoking an access token
 * denylists its `jti`. Tokens of other clients and unknown tokens are ignored, and the answer is
 * always the same (200), so revocation can't be used to probe tokens.
 */
export async function revokeToken(core: Core, client: ClientConfig, token: string): Promise<void> {
  const now = core.clock.now();
  if (token.startsWith('ghr_')) {
    const record = await core.store.getRefreshToken(hashOpaqueToken(token));
    if (record !== null && record.clientId === client.client_id)
      await core.store.revokeSession(record.sessionId, now);
    return;
  }
  const verified = await verifyAccessToken(core.keys, token, { issuer: core.config.issuer, now });
  if (!verified.ok || verified.claims.client_id !== client.client_id) return;
  const { jti, exp } = verified.claims;
  if (typeof jti === 'string' && typeof exp === 'number') await revokeAccessTokenId(core, jti, exp);
}

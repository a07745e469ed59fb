import type { ClientConfig } from '../config/file-schema.ts';
import type { Core } from '../core/context.ts';
import { isSessionLive } from '../core/sessions/start-session.ts';
import { verifyAccessToken } from '../core/tokens/access-token.ts';
import { hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import { isAccessTokenRevoked } from '../core/tokens/revoked-access-tokens.ts';

export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662. Access tokens are active while signed by us, unexpired, not revoked and (for user
 * tokens) their session lives; any authenticated client (a resource server) may ask. Refresh
 * tokens are described only to the client they were issued to.
 */
export async function introspectToken(
  core: Core,
  client: ClientConfig,
  token: string,
): Promise<IntrospectionResponse> {
  const now = core.clock.now();
  if (token.startsWith('ghr_')) {
    const record = await core.store.getRefreshToken(hashOpaqueToken(token));
    if (
      record === null ||
      record.clientId !== client.client_id ||
      record.usedAt !== null ||
      record.expiresAt <= now
    ) {
      return INACTIVE;
    }
    if (!isSessionLive(await core.store.getSession(record.sessionId), now)) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: record.clientId,
      sub: record.userId,
      scope: record.scope,
      exp: Math.floor(record.expiresAt / 1000),
      iat: Math.floor(record.createdAt / 1000),
      iss: core.config.issuer,
    };
  }
  const verified = await verifyAccessToken(core.keys, token, { issuer: core.config.issuer, now });
  if (!verified.ok) return INACTIVE;
  const claims = verified.claims;
  if (typeof claims.jti !== 'string' || (await isAccessTokenRevoked(core, claims.jti))) return INACTIVE;
  if (typeof claims['sid'] === 'string' && !isSessionLive(await core.store.getSession(claims['sid']), now)) {
    return INACTIVE;
  }
  if (typeof claims.sub === 'string' && claims.sub.startsWith('usr_')) {
    const user = await core.store.getUserById(claims.sub);
    if (user === null || user.disabled) return INACTIVE;
  }
  return { active: true, token_type: 'Bearer', ...claims };
}

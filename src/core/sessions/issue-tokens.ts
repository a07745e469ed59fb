import type { ClientConfig } from '../../config/file-schema.ts';
import type { SessionRecord, UserRecord } from '../../storage/port.ts';
import { accessTokenAudience } from '../clients.ts';
import type { Core } from '../context.ts';
import { signAccessToken } from '../tokens/access-token.ts';
import { signIdToken } from '../tokens/id-token.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/refresh-token.ts';
import type { TokenResponse } from './token-response.ts';

export const REFRESH_TOKEN_PREFIX = 'ghr_';

export interface IssueUserTokensInput {
  user: UserRecord;
  client: ClientConfig;
  session: SessionRecord;
  scope: string[];
  withRefreshToken: boolean;
  /** The refresh token's scope when it differs from the access token's (a narrowed refresh). */
  refreshTokenScope?: string[];
  nonce?: string;
}

/** Access token, optional ID token and optional refresh token for a user's session. */
export async function issueUserTokens(core: Core, input: IssueUserTokensInput): Promise<TokenResponse> {
  const { user, client, session, scope } = input;
  const { config, clock } = core;
  const now = clock.now();
  const access = await signAccessToken(core.keys, {
    issuer: config.issuer,
    sub: user.id,
    audience: accessTokenAudience(client),
    clientId: client.client_id,
    scope,
    roles: user.roles,
    sid: session.id,
    // Resource servers take `email` at face value (authorizers pass it on), so only a proven one.
    ...(scope.includes('email') && user.emailVerified ? { email: user.email } : {}),
    ttlSeconds: config.tokens.access_ttl,
    now,
  });
  const response: TokenResponse = {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    scope: scope.join(' '),
  };
  if (scope.includes('openid')) {
    response.id_token = await signIdToken(core.keys, {
      issuer: config.issuer,
      sub: user.id,
      clientId: client.client_id,
      authTime: Math.floor(session.authTime / 1000),
      amr: session.amr,
      sid: session.id,
      ttlSeconds: config.tokens.id_ttl,
      now,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      ...(scope.includes('email') ? { email: user.email, emailVerified: user.emailVerified } : {}),
      ...(scope.includes('profile') && user.name !== null ? { name: user.name } : {}),
    });
  }
  if (input.withRefreshToken) {
    const refreshToken = generateOpaqueToken(REFRESH_TOKEN_PREFIX, core.random);
    await core.store.insertRefreshToken({
      hash: hashOpaqueToken(refreshToken),
      sessionId: session.id,
      userId: user.id,
      clientId: client.client_id,
      scope: (input.refreshTokenScope ?? scope).join(' '),
      createdAt: now,
      expiresAt: Math.min(now + config.tokens.refresh_idle_ttl * 1000, session.expiresAt),
      usedAt: null,
    });
    response.refresh_token = refreshToken;
  }
  return response;
}

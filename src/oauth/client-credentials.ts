import type { ClientConfig } from '../config/file-schema.ts';
import { accessTokenAudience } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { grantScopes, parseScope } from '../core/roles.ts';
import type { TokenResponse } from '../core/sessions/token-response.ts';
import { signAccessToken } from '../core/tokens/access-token.ts';
import { type OAuthResult, oauthFail } from './errors.ts';

/** Scopes that only make sense with a user behind the token. */
const USER_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Machine-to-machine token: `sub` is the client_id (user subs start with `usr_`, so they never
 * collide), no refresh token, no ID token, no roles.
 */
export async function clientCredentialsGrant(
  core: Core,
  client: ClientConfig,
  scope: string | undefined,
): Promise<OAuthResult<TokenResponse>> {
  const asked = parseScope(scope);
  const requested = asked?.filter((s) => !USER_SCOPES.has(s));
  const granted = grantScopes(core.config, client, null, requested).filter((s) => !USER_SCOPES.has(s));
  // Asking only for user scopes (`openid`…) grants nothing: refuse rather than mint a scopeless token.
  if (asked !== undefined && asked.length > 0 && granted.length === 0) {
    return oauthFail('invalid_scope', 'none of the requested scopes is allowed for this client');
  }
  const access = await signAccessToken(core.keys, {
    issuer: core.config.issuer,
    sub: client.client_id,
    audience: accessTokenAudience(client),
    clientId: client.client_id,
    scope: granted,
    roles: [],
    ttlSeconds: core.config.tokens.access_ttl,
    now: core.clock.now(),
  });
  return {
    ok: true,
    value: {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: granted.join(' '),
    },
  };
}

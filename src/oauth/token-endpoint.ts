import type { Core } from '../core/context.ts';
import { parseScope } from '../core/roles.ts';
import { rotateRefreshToken } from '../core/sessions/rotate-refresh-token.ts';
import type { TokenResponse } from '../core/sessions/token-response.ts';
import { redeemAuthorizationCode } from './authorization-code.ts';
import { authenticateClient, type ClientCredentials } from './client-auth.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { type OAuthResult, oauthFail } from './errors.ts';

type Params = Readonly<Record<string, string | undefined>>;

/** `POST /oauth/token`: authenticates the client, then runs the grant it asked for. */
export async function handleTokenRequest(
  core: Core,
  params: Params,
  credentials: ClientCredentials,
): Promise<OAuthResult<TokenResponse>> {
  const client = authenticateClient(core.config, credentials);
  if (!client.ok) return client;
  const grantType = params['grant_type'];
  if (grantType === undefined) return oauthFail('invalid_request', 'grant_type is required');
  if (
    grantType !== 'authorization_code' &&
    grantType !== 'refresh_token' &&
    grantType !== 'client_credentials'
  ) {
    return oauthFail('unsupported_grant_type', 'grant_type is not supported');
  }
  if (!client.value.grant_types.includes(grantType)) {
    return oauthFail('unauthorized_client', `this client may not use the ${grantType} grant`);
  }
  switch (grantType) {
    case 'authorization_code':
      return redeemAuthorizationCode(core, client.value, {
        code: params['code'],
        redirectUri: params['redirect_uri'],
        codeVerifier: params['code_verifier'],
      });
    case 'refresh_token': {
      const refreshToken = params['refresh_token'];
      if (refreshToken === undefined) return oauthFail('invalid_request', 'refresh_token is required');
      const scope = parseScope(params['scope']);
      const result = await rotateRefreshToken(core, {
        refreshToken,
        clientId: client.value.client_id,
        ...(scope !== undefined ? { scope } : {}),
      });
      return result.ok ? result : oauthFail(result.code, result.detail ?? 'the refresh token is invalid');
    }
    case 'client_credentials':
      return clientCredentialsGrant(core, client.value, params['scope']);
  }
}

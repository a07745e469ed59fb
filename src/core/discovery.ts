import type { GatehouseConfig } from '../config/config.ts';

/**
 * OpenID Provider / OAuth AS metadata. Lists only endpoints that exist: each capability adds
 * its own fields here as it lands.
 */
export function discoveryDocument(config: GatehouseConfig): Record<string, unknown> {
  const scopes = new Set([
    'openid',
    'profile',
    'email',
    'offline_access',
    ...Object.values(config.roles).flat(),
  ]);
  const at = (path: string) => `${config.issuer}${path}`;
  return {
    issuer: config.issuer,
    authorization_endpoint: at('/oauth/authorize'),
    token_endpoint: at('/oauth/token'),
    userinfo_endpoint: at('/oauth/userinfo'),
    revocation_endpoint: at('/oauth/revoke'),
    introspection_endpoint: at('/oauth/introspect'),
    end_session_endpoint: at('/oauth/logout'),
    jwks_uri: at('/.well-known/jwks.json'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    prompt_values_supported: ['none', 'login', 'consent', 'create', 'select_account'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [config.signingAlg],
    scopes_supported: [...scopes],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'amr',
      'sid',
      'email',
      'email_verified',
      'name',
    ],
    service_documentation: at('/openapi.json'),
  };
}

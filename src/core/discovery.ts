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
  return {
    issuer: config.issuer,
    jwks_uri: `${config.issuer}/.well-known/jwks.json`,
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
    service_documentation: `${config.issuer}/openapi.json`,
  };
}

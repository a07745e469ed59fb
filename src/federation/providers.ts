import type { GatehouseConfig } from '../config/config.ts';

/**
 * The upstream identity providers of the config file (contract §1 `providers`), resolved into
 * what the federation code needs. The config key is the provider's id: it appears in URLs
 * (`/federation/{id}/…`) and in `identity_provider=`.
 */

export type ProviderKind = 'google' | 'apple' | 'oidc';

/** Apple's client secret is a JWT signed with this key (see apple-client-secret.ts). */
export interface AppleSigningKey {
  teamId: string;
  keyId: string;
  /** PKCS#8 PEM (the `.p8` file Apple hands out). */
  privateKey: string;
}

export interface FederationProvider {
  id: string;
  kind: ProviderKind;
  label: string;
  /** The issuer as discovered and as stored with each identity (canonical form). */
  issuer: string;
  /** `iss` values accepted in native ID tokens: Google also signs `accounts.google.com`. */
  acceptedIssuers: string[];
  clientId: string;
  /** Audiences accepted by the native endpoint: `client_id` and `client_ids`. */
  audiences: string[];
  clientSecret: string | null;
  apple: AppleSigningKey | null;
  scopes: string[];
  /** Google Workspace domain the account must belong to (`hd`). */
  hostedDomain: string | null;
  idTokenAlg: string;
  /** Apple answers the authorization request by form POST (required when asking for name or email). */
  responseMode: 'query' | 'form_post';
}

const DEFAULTS = {
  google: { issuer: 'https://accounts.google.com', label: 'Google', scopes: ['openid', 'email', 'profile'] },
  apple: { issuer: 'https://appleid.apple.com', label: 'Apple', scopes: ['openid', 'email', 'name'] },
  oidc: { issuer: undefined, label: undefined, scopes: ['openid', 'email', 'profile'] },
} as const;

function kindOf(id: string, type: ProviderKind | undefined): ProviderKind | null {
  if (type !== undefined) return type;
  return id === 'google' || id === 'apple' ? id : null;
}

/** The provider configured under `id`, or null (unknown id, or one the schema would refuse). */
export function resolveProvider(config: GatehouseConfig, id: string): FederationProvider | null {
  if (!Object.hasOwn(config.providers, id)) return null;
  const raw = config.providers[id];
  if (raw === undefined) return null;
  const kind = kindOf(id, raw.type);
  if (kind === null) return null;
  const defaults = DEFAULTS[kind];
  const issuer = raw.issuer ?? defaults.issuer;
  if (issuer === undefined) return null;
  let apple: AppleSigningKey | null = null;
  if (kind === 'apple') {
    if (raw.team_id === undefined || raw.key_id === undefined || raw.private_key === undefined) return null;
    apple = { teamId: raw.team_id, keyId: raw.key_id, privateKey: raw.private_key };
  }
  const acceptedIssuers = [issuer];
  // Google's own docs: `iss` is `https://accounts.google.com` or `accounts.google.com`.
  if (kind === 'google') acceptedIssuers.push(issuer.replace(/^https?:\/\//, ''));
  return {
    id,
    kind,
    label: raw.label ?? defaults.label ?? id,
    issuer,
    acceptedIssuers,
    clientId: raw.client_id,
    audiences: [...new Set([raw.client_id, ...raw.client_ids])],
    clientSecret: raw.client_secret ?? null,
    apple,
    scopes: raw.scopes ?? [...defaults.scopes],
    hostedDomain: kind === 'google' ? (raw.hd ?? null) : null,
    idTokenAlg: raw.id_token_signed_response_alg,
    responseMode: kind === 'apple' ? 'form_post' : 'query',
  };
}

/** One entry per configured provider, in config order: what the sign-in page shows as buttons. */
export function configuredProviders(config: GatehouseConfig): { id: string; label: string }[] {
  return Object.keys(config.providers)
    .map((id) => resolveProvider(config, id))
    .filter((p): p is FederationProvider => p !== null)
    .map(({ id, label }) => ({ id, label }));
}

/** Where the provider sends the browser back (register this URI upstream). */
export function callbackUrl(config: GatehouseConfig, providerId: string): string {
  return `${config.issuer}/federation/${providerId}/callback`;
}

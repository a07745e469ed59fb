import * as client from 'openid-client';
import type { GatehouseConfig } from '../config/config.ts';
import { epochSeconds } from '../core/clock.ts';
import type { Core } from '../core/context.ts';
import { appleClientSecret } from './apple-client-secret.ts';
import type { FederationProvider } from './providers.ts';

/**
 * The openid-client Configuration of an upstream provider: its discovery document (fetched once,
 * refreshed daily), our client id and client authentication, ID-token signature checks on.
 * Cached per loaded config, so tests running several servers in one process don't share.
 */

const REDISCOVER_AFTER_MS = 24 * 60 * 60 * 1000;
const TIMEOUT_S = 10;

type Entry = { at: number; configuration: Promise<client.Configuration> };
const caches = new WeakMap<GatehouseConfig, Map<string, Entry>>();

/** Plain http is allowed only to loopback (a provider on this machine: tests, local dev). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function clientAuth(core: Core, provider: FederationProvider, metadata: client.ServerMetadata) {
  const { apple } = provider;
  if (apple !== null) {
    // Signed (or taken from cache) per token request, so a long-lived process never sends an expired one.
    const auth: client.ClientAuth = async (as, c, body, headers) => {
      const secret = await appleClientSecret(
        apple,
        provider.clientId,
        provider.issuer,
        epochSeconds(core.clock),
      );
      client.ClientSecretPost(secret)(as, c, body, headers);
    };
    return auth;
  }
  if (provider.clientSecret === null) return client.None();
  // RFC 8414: without the field, client_secret_basic is the default.
  const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  return methods.includes('client_secret_basic')
    ? client.ClientSecretBasic(provider.clientSecret)
    : client.ClientSecretPost(provider.clientSecret);
}

async function discover(core: Core, provider: FederationProvider): Promise<client.Configuration> {
  const insecure = isLoopback(provider.issuer);
  const discovered = await client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    undefined,
    {
      timeout: TIMEOUT_S,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    },
  );
  const server = discovered.serverMetadata();
  const configuration = new client.Configuration(
    server,
    provider.clientId,
    // Exactly one algorithm: `none` and HMAC (keyed with a secret we share) never pass.
    { id_token_signed_response_alg: provider.idTokenAlg },
    clientAuth(core, provider, server),
  );
  configuration.timeout = TIMEOUT_S;
  if (insecure) client.allowInsecureRequests(configuration);
  // Verify the ID token's signature against the upstream JWKS even though it came over TLS.
  client.enableNonRepudiationChecks(configuration);
  return configuration;
}

export function upstreamConfiguration(
  core: Core,
  provider: FederationProvider,
): Promise<client.Configuration> {
  let cache = caches.get(core.config);
  if (cache === undefined) {
    cache = new Map();
    caches.set(core.config, cache);
  }
  const now = Date.now();
  const cached = cache.get(provider.id);
  if (cached !== undefined && now - cached.at < REDISCOVER_AFTER_MS) return cached.configuration;
  const configuration = discover(core, provider);
  const entry = { at: now, configuration };
  cache.set(provider.id, entry);
  // A failed discovery is not remembered: the next sign-in tries again.
  configuration.catch(() => {
    if (cache.get(provider.id) === entry) cache.delete(provider.id);
  });
  return configuration;
}

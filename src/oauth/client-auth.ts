import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatehouseConfig } from '../config/config.ts';
import type { ClientConfig } from '../config/file-schema.ts';
import { findClient } from '../core/clients.ts';
import { type OAuthResult, oauthFail } from './errors.ts';

export interface ClientCredentials {
  authorizationHeader: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

// Secrets are kept in memory only as SHA-256 digests; the config text is not retained here.
const digests = new WeakMap<ClientConfig, Buffer>();

function secretDigest(client: ClientConfig): Buffer | null {
  if (client.client_secret === undefined) return null;
  let digest = digests.get(client);
  if (digest === undefined) {
    digest = createHash('sha256').update(client.client_secret).digest();
    digests.set(client, digest);
  }
  return digest;
}

/** Constant-time comparison of fixed-length digests, so neither length nor prefix leaks. */
function secretMatches(client: ClientConfig, presented: string): boolean {
  const expected = secretDigest(client);
  if (expected === null) return false;
  return timingSafeEqual(expected, createHash('sha256').update(presented).digest());
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { id: string; secret: string } | null {
  const match = header.match(/^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i);
  if (match?.[1] === undefined) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    return { id, secret };
  } catch {
    return null;
  }
}

/**
 * Authenticates the caller of the token, revocation or introspection endpoint with the one
 * method the client is registered for; using another (or two at once) is `invalid_client`.
 */
export function authenticateClient(
  config: GatehouseConfig,
  credentials: ClientCredentials,
): OAuthResult<ClientConfig> {
  const invalid = oauthFail('invalid_client', 'client authentication failed');
  const header = credentials.authorizationHeader;
  const basic = header !== undefined && /^Basic\s/i.test(header) ? parseBasic(header) : null;
  if (header !== undefined && /^Basic\s/i.test(header) && basic === null) return invalid;
  if (basic !== null && credentials.clientSecret !== undefined) {
    return oauthFail('invalid_request', 'use one client authentication method');
  }
  if (basic !== null && credentials.clientId !== undefined && credentials.clientId !== basic.id)
    return invalid;
  const clientId = basic?.id ?? credentials.clientId;
  if (clientId === undefined) return invalid;
  const client = findClient(config, clientId);
  if (client === null) return invalid;
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic':
      return basic !== null && secretMatches(client, basic.secret) ? { ok: true, value: client } : invalid;
    case 'client_secret_post':
      return basic === null &&
        credentials.clientSecret !== undefined &&
        secretMatches(client, credentials.clientSecret)
        ? { ok: true, value: client }
        : invalid;
    case 'none':
      return basic === null && credentials.clientSecret === undefined ? { ok: true, value: client } : invalid;
  }
}

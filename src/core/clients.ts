import type { GatehouseConfig } from '../config/config.ts';
import type { ClientConfig } from '../config/file-schema.ts';
import { fail, ok, type Result } from './errors.ts';

export function findClient(config: GatehouseConfig, clientId: string): ClientConfig | null {
  return config.clients.find((client) => client.client_id === clientId) ?? null;
}

/**
 * The client a `/v1` request acts for. The JSON API authenticates users, not clients, so only
 * first-party clients may use it; a confidential third-party client must go through OAuth.
 */
export function resolveJsonApiClient(
  config: GatehouseConfig,
  clientId: string | undefined,
): Result<ClientConfig, 'invalid_request'> {
  const id = clientId ?? config.defaultClient;
  if (id === null) return fail('invalid_request', 'client_id is required (no default_client is configured)');
  const client = findClient(config, id);
  if (client === null || !client.first_party)
    return fail('invalid_request', 'client_id: unknown or not a first-party client');
  return ok(client);
}

/** The access token's `aud` (§1): the client's configured audience, else its id. */
export function accessTokenAudience(client: ClientConfig): string {
  return client.audience ?? client.client_id;
}

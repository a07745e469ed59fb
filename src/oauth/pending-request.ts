import { findClient } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import type { AuthorizationRequest } from './authorization-request.ts';

const KIND = 'authz_request';
/** Time a user has to sign in (and sign up, and confirm) before the request must start over. */
export const PENDING_REQUEST_TTL_MS = 30 * 60 * 1000;

/** Keeps a validated request server-side; the browser carries only a random handle. */
export async function savePendingRequest(core: Core, request: AuthorizationRequest): Promise<string> {
  const handle = generateOpaqueToken('', core.random);
  await core.store.putOneTime({
    kind: KIND,
    id: hashOpaqueToken(handle),
    payload: JSON.stringify(request),
    expiresAt: core.clock.now() + PENDING_REQUEST_TTL_MS,
    usedAt: null,
    note: null,
  });
  return handle;
}

export async function loadPendingRequest(core: Core, handle: string): Promise<AuthorizationRequest | null> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(handle)) return null;
  const record = await core.store.getOneTime(KIND, hashOpaqueToken(handle), core.clock.now());
  if (record === null || record.usedAt !== null) return null;
  return JSON.parse(record.payload) as AuthorizationRequest;
}

/** Spends the handle when the flow ends (code issued or error returned), so it can't finish twice. */
export async function completePendingRequest(core: Core, handle: string): Promise<boolean> {
  const result = await core.store.consumeOneTime(KIND, hashOpaqueToken(handle), core.clock.now(), null);
  return result.status === 'consumed';
}

/** What the consent page shows. */
export async function loadPendingAuthorization(
  core: Core,
  handle: string,
): Promise<{ clientId: string; clientName: string; scope: string[] } | null> {
  const request = await loadPendingRequest(core, handle);
  if (request === null) return null;
  const client = findClient(core.config, request.clientId);
  if (client === null) return null;
  return { clientId: client.client_id, clientName: client.client_id, scope: request.scope };
}

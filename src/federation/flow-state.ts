import type { Core } from '../core/context.ts';
import { hashOpaqueToken } from '../core/tokens/refresh-token.ts';

/**
 * What Gatehouse remembers between sending the browser upstream and its return: kept
 * server-side under the hash of `state`, single use, ten minutes. The browser also holds a
 * binding cookie whose hash is stored here, so a callback URL carried to another browser (login
 * CSRF, a leaked URL) is refused.
 */
export interface FlowState {
  provider: string;
  codeVerifier: string;
  nonce: string;
  /** The pending authorization request (its handle) when signing in for an OAuth client. */
  request: string | null;
  /** Set when the flow links the identity to this signed-in user instead of signing in. */
  linkUserId: string | null;
  /** SHA-256 of the binding cookie's value. */
  binding: string;
}

const KIND = 'federation_state';
export const FLOW_STATE_TTL_MS = 10 * 60 * 1000;
const STATE_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

export async function saveFlowState(core: Core, state: string, flow: FlowState): Promise<void> {
  await core.store.putOneTime({
    kind: KIND,
    id: hashOpaqueToken(state),
    payload: JSON.stringify(flow),
    expiresAt: core.clock.now() + FLOW_STATE_TTL_MS,
    usedAt: null,
    note: null,
  });
}

export type TakenFlowState = { status: 'ok'; flow: FlowState } | { status: 'reused' | 'missing' };

/** Spends the state: a second callback with the same state is told apart as `reused`. */
export async function takeFlowState(core: Core, state: string | undefined): Promise<TakenFlowState> {
  if (state === undefined || !STATE_SHAPE.test(state)) return { status: 'missing' };
  const result = await core.store.consumeOneTime(KIND, hashOpaqueToken(state), core.clock.now(), null);
  if (result.status === 'consumed')
    return { status: 'ok', flow: JSON.parse(result.record.payload) as FlowState };
  return { status: result.status };
}

import { z } from 'zod';
import type { Core } from '../core/context.ts';
import { CHALLENGE_BYTES, FLOW_TTL_MS } from './policy.ts';

/**
 * A ceremony in progress, kept server-side as a one-time record: the `flow_id` the client holds is
 * a random handle, the challenge and who the ceremony is for stay here. A flow is consumed before
 * its response is verified, so each challenge is checked at most once, pass or fail.
 */
const flowSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('register'), challenge: z.string(), userId: z.string() }),
  z.object({
    type: z.literal('signup'),
    challenge: z.string(),
    /** The id the account will get, already the WebAuthn user handle in the options. */
    userId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
  }),
  z.object({
    type: z.literal('signin'),
    challenge: z.string(),
    /** `email`: only `userId`'s credentials pass (none when the email had no passkey). */
    mode: z.enum(['email', 'discoverable']),
    userId: z.string().nullable(),
  }),
]);

export type Flow = z.infer<typeof flowSchema>;
export type FlowType = Flow['type'];

/** One record kind per ceremony, so a flow id of one ceremony is unknown to the others. */
function kindOf(type: FlowType): string {
  return `passkey_${type}`;
}

/** A fresh challenge from the core's randomness (the options carry it base64url-encoded). */
export function newChallenge(core: Core): Uint8Array<ArrayBuffer> {
  return new Uint8Array(core.random.bytes(CHALLENGE_BYTES));
}

/** Stores the flow for 5 minutes and returns its `flow_id`. */
export async function startFlow(core: Core, flow: Flow): Promise<string> {
  const id = Buffer.from(core.random.bytes(32)).toString('base64url');
  await core.store.putOneTime({
    kind: kindOf(flow.type),
    id,
    payload: JSON.stringify(flow),
    expiresAt: core.clock.now() + FLOW_TTL_MS,
    usedAt: null,
    note: null,
  });
  return id;
}

/** Spends the flow (one conditional write); null when it is unknown, expired or already used. */
export async function consumeFlow<T extends FlowType>(
  core: Core,
  type: T,
  flowId: string,
): Promise<Extract<Flow, { type: T }> | null> {
  const result = await core.store.consumeOneTime(kindOf(type), flowId, core.clock.now(), null);
  if (result.status !== 'consumed') return null;
  const parsed = flowSchema.safeParse(parseJson(result.record.payload));
  if (!parsed.success || parsed.data.type !== type) return null;
  return parsed.data as Extract<Flow, { type: T }>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import type { PasskeyRecord, UserRecord } from '../storage/port.ts';
import { consumeFlow, newChallenge, startFlow } from './flows.ts';
import { checkPasskeyName } from './passkey-name.ts';
import { AUTHENTICATOR_SELECTION, FLOW_TTL_MS, relyingParty, SUPPORTED_ALGORITHMS } from './policy.ts';
import { userHandleBytes } from './user-handle.ts';
import { verifyNewPasskey } from './verify-registration.ts';

export interface CreationFlow {
  flowId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** Creation options for a user who is signed in, bound to them by the flow. */
export async function startPasskeyRegistration(core: Core, user: UserRecord): Promise<CreationFlow> {
  const rp = relyingParty(core);
  const existing = await core.store.listPasskeysByUser(user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: userHandleBytes(user.id),
    userDisplayName: user.name ?? user.email,
    challenge: newChallenge(core),
    timeout: FLOW_TTL_MS,
    attestationType: 'none',
    // The authenticator refuses to make a second credential for this account.
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: AUTHENTICATOR_SELECTION,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  const flowId = await startFlow(core, { type: 'register', challenge: options.challenge, userId: user.id });
  return { flowId, options };
}

export interface FinishRegistrationInput {
  user: UserRecord;
  flowId: string;
  response: RegistrationResponseJSON;
  name?: string | undefined;
}

/** Verifies the new credential and adds it to the signed-in user's passkeys. */
export async function finishPasskeyRegistration(
  core: Core,
  input: FinishRegistrationInput,
): Promise<Result<PasskeyRecord, 'invalid_request' | 'passkey_exists'>> {
  // Checked before the flow is spent, so a bad name can be fixed and the same response re-sent.
  const name = checkPasskeyName(input.name);
  if (!name.ok) return name;
  const flow = await consumeFlow(core, 'register', input.flowId);
  if (flow === null || flow.userId !== input.user.id) {
    return fail('invalid_request', 'flow_id: unknown, expired or already used; start again');
  }
  const verified = await verifyNewPasskey(core, {
    response: input.response,
    challenge: flow.challenge,
    userId: input.user.id,
    name: name.value,
  });
  if (!verified.ok) return verified;
  const { passkey } = verified.value;
  if ((await core.store.createPasskey(passkey)) === 'duplicate') {
    return fail('passkey_exists', 'this passkey is registered already');
  }
  core.logger.log('info', 'passkey_registered', {
    audit: true,
    sub: input.user.id,
    credential_id: passkey.id,
    aaguid: passkey.aaguid,
  });
  return ok(passkey);
}

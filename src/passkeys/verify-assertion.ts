import {
  type AuthenticationResponseJSON,
  type VerifiedAuthenticationResponse,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import type { PasskeyRecord } from '../storage/port.ts';
import { passkeyAmr } from './amr.ts';
import { counterAdvances } from './counter.ts';
import { REQUIRE_USER_VERIFICATION, relyingParty } from './policy.ts';
import { userHandleOf } from './user-handle.ts';

export interface AssertionInput {
  response: AuthenticationResponseJSON;
  /** The challenge of the consumed flow. */
  challenge: string;
  /** `email`: the credential must be `userId`'s; `discoverable`: the user handle names the owner. */
  mode: 'email' | 'discoverable';
  userId: string | null;
}

export interface VerifiedAssertion {
  /** The credential as stored after this use. */
  passkey: PasskeyRecord;
  amr: string[];
}

const INVALID = 'the passkey could not be verified';

/**
 * WebAuthn L3 §7.2. The library checks type, challenge, origin, RP ID hash, UP/UV flags and the
 * signature; this adds the rest: the credential is looked up by id and must belong to the flow's
 * user (email flow) and match `userHandle` (required in discoverable flows, checked whenever
 * present); backup eligibility must not change; and the counter policy, applied after the
 * signature so only genuine assertions can raise a regression alarm, then recorded with a
 * conditional write so two concurrent uses cannot both pass.
 */
export async function verifyAssertion(
  core: Core,
  input: AssertionInput,
): Promise<Result<VerifiedAssertion, 'invalid_credentials'>> {
  const { response } = input;
  const passkey = await core.store.getPasskey(response.id);
  if (passkey === null) return refuse(core, 'unknown credential');
  if (input.mode === 'email' && passkey.userId !== input.userId) {
    return refuse(core, 'credential of another account', passkey);
  }
  const handle = response.response.userHandle;
  if (handle === undefined ? input.mode === 'discoverable' : handle !== userHandleOf(passkey.userId)) {
    return refuse(core, 'user handle does not match the credential owner', passkey);
  }

  const rp = relyingParty(core);
  let verification: VerifiedAuthenticationResponse;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      // Counter 0 turns the library's own counter check off: ours below runs after the signature.
      credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0 },
      requireUserVerification: REQUIRE_USER_VERIFICATION,
    });
  } catch (error) {
    return refuse(core, error instanceof Error ? error.message : 'unreadable response', passkey);
  }
  if (!verification.verified) return refuse(core, 'signature not verified', passkey);
  const info = verification.authenticationInfo;
  if (info.credentialDeviceType !== passkey.deviceType) {
    return refuse(core, 'backup eligibility changed', passkey);
  }
  if (!counterAdvances(passkey.counter, info.newCounter)) {
    core.logger.log('warn', 'passkey_counter_regression', {
      audit: true,
      sub: passkey.userId,
      credential_id: passkey.id,
      stored_counter: passkey.counter,
      received_counter: info.newCounter,
    });
    return fail('invalid_credentials', INVALID);
  }
  const lastUsedAt = core.clock.now();
  const recorded = await core.store.updatePasskeyAfterUse(passkey.id, {
    previousCounter: passkey.counter,
    counter: info.newCounter,
    backedUp: info.credentialBackedUp,
    lastUsedAt,
  });
  if (!recorded) return refuse(core, 'credential used concurrently or removed', passkey);
  return ok({
    passkey: { ...passkey, counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt },
    amr: passkeyAmr({
      deviceType: passkey.deviceType,
      backedUp: info.credentialBackedUp,
      userVerified: info.userVerified,
    }),
  });
}

/** The reason goes to the audit log; the caller gets the one generic answer of §6. */
function refuse(core: Core, reason: string, passkey?: PasskeyRecord): Result<never, 'invalid_credentials'> {
  core.logger.log('info', 'passkey_signin_failed', {
    audit: true,
    reason: reason.slice(0, 300),
    ...(passkey !== undefined ? { sub: passkey.userId, credential_id: passkey.id } : {}),
  });
  return fail('invalid_credentials', INVALID);
}

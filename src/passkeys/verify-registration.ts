import {
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import type { PasskeyRecord } from '../storage/port.ts';
import { passkeyAmr } from './amr.ts';
import { REQUIRE_USER_VERIFICATION, relyingParty, SUPPORTED_ALGORITHMS } from './policy.ts';

export interface NewPasskeyInput {
  response: RegistrationResponseJSON;
  /** The challenge of the consumed flow. */
  challenge: string;
  userId: string;
  name: string;
}

export interface NewPasskey {
  passkey: PasskeyRecord;
  /** RFC 8176 methods this ceremony proved (a sign-up session starts with them). */
  amr: string[];
}

const MAX_CREDENTIAL_ID_BYTES = 1023;
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/**
 * WebAuthn L3 §7.1 through @simplewebauthn/server: type, challenge, origin (any of
 * `config.rpOrigins`), RP ID hash, UP and UV flags, algorithm, attestation `none`. Adds what the
 * library leaves to us: the credential id must be the one in the authenticator data and at most
 * 1023 bytes. Uniqueness is the store's (createPasskey). Every library error is a refusal here,
 * never a 5xx: the response is the caller's input.
 */
export async function verifyNewPasskey(
  core: Core,
  input: NewPasskeyInput,
): Promise<Result<NewPasskey, 'invalid_request'>> {
  const rp = relyingParty(core);
  let verification: VerifiedRegistrationResponse;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: REQUIRE_USER_VERIFICATION,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (error) {
    return refuse(core, error instanceof Error ? error.message : 'unreadable response');
  }
  if (!verification.verified) return refuse(core, 'attestation not verified');
  const info = verification.registrationInfo;
  const { credential } = info;
  if (credential.id !== input.response.id)
    return refuse(core, 'credential id differs from authenticator data');
  if (Buffer.from(credential.id, 'base64url').byteLength > MAX_CREDENTIAL_ID_BYTES) {
    return refuse(core, 'credential id longer than 1023 bytes');
  }
  const passkey: PasskeyRecord = {
    id: credential.id,
    userId: input.userId,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: [...new Set(input.response.response.transports ?? [])].filter((t) => TRANSPORTS.has(t)),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid: info.aaguid,
    name: input.name,
    createdAt: core.clock.now(),
    lastUsedAt: null,
  };
  const amr = passkeyAmr({
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    userVerified: info.userVerified,
  });
  return ok({ passkey, amr });
}

/** The reason goes to the log for operators; the caller gets a generic answer. */
function refuse(core: Core, reason: string): Result<never, 'invalid_request'> {
  core.logger.log('info', 'passkey_registration_refused', { reason: reason.slice(0, 300) });
  return fail('invalid_request', 'response: the passkey could not be verified');
}

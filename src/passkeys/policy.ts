import type { AuthenticatorSelectionCriteria } from '@simplewebauthn/server';
import type { Core } from '../core/context.ts';

/** A flow and its challenge live 5 minutes (§6); the options' `timeout` says the same to the browser. */
export const FLOW_TTL_MS = 5 * 60_000;

/** Random bytes per challenge (WebAuthn asks for at least 16). */
export const CHALLENGE_BYTES = 32;

/**
 * Every ceremony requires user verification (PIN or biometric on the authenticator), so a
 * passkey alone is a whole multi-factor sign-in. Options ask for it and verification enforces it.
 */
export const REQUIRE_USER_VERIFICATION = true;
export const USER_VERIFICATION = REQUIRE_USER_VERIFICATION ? 'required' : 'preferred';

/**
 * COSE algorithms accepted for new credentials: EdDSA, ES256, RS256, which cover every shipping
 * authenticator. Pinned rather than the library default, which adds ML-DSA-44 where the runtime's
 * Web Crypto has it (experimental in Node 24).
 */
export const SUPPORTED_ALGORITHMS: number[] = [-8, -7, -257];

/** Discoverable credentials, so sign-in also works without typing an email. */
export const AUTHENTICATOR_SELECTION: AuthenticatorSelectionCriteria = {
  residentKey: 'required',
  userVerification: USER_VERIFICATION,
};

export interface RelyingParty {
  /** `GATEHOUSE_RP_ID`: the domain credentials are scoped to. */
  id: string;
  /** Shown by the authenticator when creating a passkey. */
  name: string;
  /** `GATEHOUSE_RP_ORIGINS`: the origins a ceremony may run on (clientDataJSON.origin). */
  origins: string[];
}

export function relyingParty(core: Core): RelyingParty {
  return { id: core.config.rpId, name: core.config.brand.name, origins: core.config.rpOrigins };
}

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { normaliseEmail } from '../core/accounts/email.ts';
import { resolveJsonApiClient } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import { grantScopes } from '../core/roles.ts';
import { startSession } from '../core/sessions/start-session.ts';
import type { TokenResponse } from '../core/sessions/token-response.ts';
import type { PasskeyRecord, UserRecord } from '../storage/port.ts';
import { decoyCredentials } from './decoy.ts';
import { consumeFlow, newChallenge, startFlow } from './flows.ts';
import { FLOW_TTL_MS, relyingParty, USER_VERIFICATION } from './policy.ts';
import { verifyAssertion } from './verify-assertion.ts';

export interface RequestFlow {
  flowId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/**
 * With an email: the account's credentials in `allowCredentials` (a decoy when it has none, so
 * the answer is the same for every email). Without: discoverable sign-in, the authenticator
 * offers the user's passkeys for this RP and returns the user handle.
 */
export async function startPasskeySignIn(
  core: Core,
  input: { email?: string | undefined },
): Promise<Result<RequestFlow, 'invalid_request'>> {
  let allowCredentials: PublicKeyCredentialRequestOptionsJSON['allowCredentials'];
  let userId: string | null = null;
  if (input.email !== undefined) {
    const email = normaliseEmail(input.email);
    if (!email.ok) return email;
    const user = await core.store.getUserByEmail(email.value);
    const passkeys = user === null ? [] : await core.store.listPasskeysByUser(user.id);
    userId = user?.id ?? null;
    allowCredentials =
      passkeys.length > 0
        ? passkeys.map((p) => ({ id: p.id, type: 'public-key', transports: p.transports }))
        : decoyCredentials(core, email.value);
  }
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(core).id,
    challenge: newChallenge(core),
    timeout: FLOW_TTL_MS,
    userVerification: USER_VERIFICATION,
    ...(allowCredentials !== undefined ? { allowCredentials } : {}),
  });
  const flowId = await startFlow(core, {
    type: 'signin',
    challenge: options.challenge,
    mode: input.email === undefined ? 'discoverable' : 'email',
    userId,
  });
  return ok({ flowId, options });
}

export interface FinishSignInInput {
  flowId: string;
  response: AuthenticationResponseJSON;
  clientId?: string | undefined;
  scope?: string[] | undefined;
}

type SignInError = 'invalid_request' | 'invalid_credentials' | 'account_disabled' | 'email_not_verified';

export interface ProvenPasskeySignIn {
  /** The passkey's owner. */
  user: UserRecord;
  /** The credential as stored after this use. */
  passkey: PasskeyRecord;
  /** RFC 8176 methods the ceremony proved. */
  amr: string[];
}

/**
 * Spends the flow and verifies the assertion; starts no session and checks no account state
 * (`passkeySignInAllowed` does, after this). The JSON API turns the result into tokens, the
 * hosted pages into a browser session.
 */
export async function provePasskeySignIn(
  core: Core,
  input: { flowId: string; response: AuthenticationResponseJSON },
): Promise<Result<ProvenPasskeySignIn, 'invalid_credentials'>> {
  const flow = await consumeFlow(core, 'signin', input.flowId);
  if (flow === null)
    return fail('invalid_credentials', 'the sign-in flow is unknown, expired or already used');
  const verified = await verifyAssertion(core, {
    response: input.response,
    challenge: flow.challenge,
    mode: flow.mode,
    userId: flow.userId,
  });
  if (!verified.ok) return verified;
  const { passkey, amr } = verified.value;
  const user = await core.store.getUserById(passkey.userId);
  if (user === null) return fail('invalid_credentials', 'the passkey could not be verified');
  return ok({ user, passkey, amr });
}

/**
 * Account-state refusals, asked only of a proven owner (as with passwords, they come only after
 * the proof, so they tell nothing about accounts to anyone else).
 */
export function passkeySignInAllowed(
  user: UserRecord,
): Result<void, 'account_disabled' | 'email_not_verified'> {
  if (user.disabled) return fail('account_disabled', 'this account is disabled');
  if (!user.emailVerified)
    return fail('email_not_verified', 'confirm your email with the code we sent first');
  return ok(undefined);
}

/** Verifies the assertion and starts a session whose `amr` says what the passkey proved. */
export async function finishPasskeySignIn(
  core: Core,
  input: FinishSignInInput,
): Promise<Result<TokenResponse, SignInError>> {
  const client = resolveJsonApiClient(core.config, input.clientId);
  if (!client.ok) return client;
  const proven = await provePasskeySignIn(core, input);
  if (!proven.ok) return proven;
  const { user, passkey, amr } = proven.value;
  const allowed = passkeySignInAllowed(user);
  if (!allowed.ok) return allowed;
  const scope = grantScopes(core.config, client.value, user.roles, input.scope);
  const tokens = await startSession(core, { user, client: client.value, scope, amr });
  core.logger.log('info', 'signin', {
    audit: true,
    sub: user.id,
    client_id: client.value.client_id,
    method: 'passkey',
    credential_id: passkey.id,
    amr,
  });
  return ok(tokens);
}

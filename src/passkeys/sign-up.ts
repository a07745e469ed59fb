import { generateRegistrationOptions, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { maskEmail, normaliseEmail } from '../core/accounts/email.ts';
import { sendAccountMail } from '../core/accounts/send-mail.ts';
import { armSignUp, checkSignUpAllowed } from '../core/accounts/sign-up.ts';
import { newUserId } from '../core/accounts/user-id.ts';
import { resolveJsonApiClient } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import { grantScopes } from '../core/roles.ts';
import { startSession } from '../core/sessions/start-session.ts';
import type { TokenResponse } from '../core/sessions/token-response.ts';
import type { UserRecord } from '../storage/port.ts';
import { consumeFlow, newChallenge, startFlow } from './flows.ts';
import { DEFAULT_PASSKEY_NAME } from './passkey-name.ts';
import { AUTHENTICATOR_SELECTION, FLOW_TTL_MS, relyingParty, SUPPORTED_ALGORITHMS } from './policy.ts';
import type { CreationFlow } from './registration.ts';
import { userHandleBytes } from './user-handle.ts';
import { verifyNewPasskey } from './verify-registration.ts';

type SignUpRuleError = 'signup_disabled' | 'email_domain_not_allowed';

/**
 * Creation options for a new passkey-only account. The store is not read: the answer is the same
 * whether the email has an account or not. The account's id is chosen now, as the user handle.
 */
export async function startPasskeySignUp(
  core: Core,
  input: { email: string; name?: string | undefined },
): Promise<Result<CreationFlow, 'invalid_request' | SignUpRuleError>> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return email;
  const allowed = checkSignUpAllowed(core, email.value);
  if (!allowed.ok) return allowed;
  const name = input.name?.trim() || null;
  const userId = newUserId(core.random);
  const rp = relyingParty(core);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: email.value,
    userID: userHandleBytes(userId),
    userDisplayName: name ?? email.value,
    challenge: newChallenge(core),
    timeout: FLOW_TTL_MS,
    attestationType: 'none',
    authenticatorSelection: AUTHENTICATOR_SELECTION,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  const flowId = await startFlow(core, {
    type: 'signup',
    challenge: options.challenge,
    userId,
    email: email.value,
    name,
  });
  return ok({ flowId, options });
}

export type PasskeySignUpOutcome =
  /** A new account, its passkey and a session; the email still awaits its code. */
  | { status: 'created'; tokens: TokenResponse }
  /** The email has an account already: nothing was created and its owner was mailed. */
  | { status: 'verification_sent' };

export interface FinishSignUpInput {
  flowId: string;
  response: RegistrationResponseJSON;
  clientId?: string | undefined;
  scope?: string[] | undefined;
}

export type PasskeyAccountOutcome =
  /** A new account (email not confirmed yet) and its passkey; `amr` is what the ceremony proved. */
  | { status: 'created'; user: UserRecord; amr: string[] }
  /** The email (normalised) has an account already: nothing was created and its owner was mailed. */
  | { status: 'verification_sent'; email: string };

/**
 * Creates the account from the verified passkey and mails the sign-up code; starts no session.
 * An email that has an account already, confirmed or not, is never touched: attaching the passkey
 * there would hand the account to whoever typed the address. Its owner gets the "someone tried to
 * sign up" mail, as with /v1/signup, and the outcome is `verification_sent`. Telling this apart
 * from `created` costs a completed WebAuthn ceremony per address and mails the owner; see
 * docs/passkeys.md.
 */
export async function createPasskeyAccount(
  core: Core,
  input: { flowId: string; response: RegistrationResponseJSON },
): Promise<Result<PasskeyAccountOutcome, 'invalid_request' | 'passkey_exists' | SignUpRuleError>> {
  const flow = await consumeFlow(core, 'signup', input.flowId);
  if (flow === null) return fail('invalid_request', 'flow_id: unknown, expired or already used; start again');
  const allowed = checkSignUpAllowed(core, flow.email);
  if (!allowed.ok) return allowed;
  const verified = await verifyNewPasskey(core, {
    response: input.response,
    challenge: flow.challenge,
    userId: flow.userId,
    name: DEFAULT_PASSKEY_NAME,
  });
  if (!verified.ok) return verified;
  const { passkey, amr } = verified.value;
  // Checked before the account exists, so a known credential leaves no account behind.
  if ((await core.store.getPasskey(passkey.id)) !== null) {
    return fail('passkey_exists', 'this passkey is registered already');
  }

  const now = core.clock.now();
  const user: UserRecord = {
    id: flow.userId,
    email: flow.email,
    emailVerified: false,
    name: flow.name,
    passwordHash: null,
    roles: [...core.config.defaultRoles],
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  if ((await core.store.createUser(user)) === 'email_taken') {
    core.logger.log('info', 'passkey_signup_existing_email', { audit: true, email: maskEmail(flow.email) });
    await sendAccountMail(core, flow.email, { kind: 'signup_existing' });
    return ok({ status: 'verification_sent', email: flow.email });
  }
  if ((await core.store.createPasskey(passkey)) === 'duplicate') {
    // Lost a race for the credential id: the account stays unconfirmed with no credential and
    // can be claimed by password sign-up, which re-arms unconfirmed accounts.
    return fail('passkey_exists', 'this passkey is registered already');
  }
  core.logger.log('info', 'signup', {
    audit: true,
    email: maskEmail(flow.email),
    method: 'passkey',
    sub: user.id,
  });
  await armSignUp(core, flow.email);
  return ok({ status: 'created', user, amr });
}

/** Creates the account (createPasskeyAccount) and starts its token session (§6). */
export async function finishPasskeySignUp(
  core: Core,
  input: FinishSignUpInput,
): Promise<Result<PasskeySignUpOutcome, 'invalid_request' | 'passkey_exists' | SignUpRuleError>> {
  const client = resolveJsonApiClient(core.config, input.clientId);
  if (!client.ok) return client;
  const created = await createPasskeyAccount(core, input);
  if (!created.ok) return created;
  if (created.value.status === 'verification_sent') return ok({ status: 'verification_sent' });
  const { user, amr } = created.value;
  const scope = grantScopes(core.config, client.value, user.roles, input.scope);
  const tokens = await startSession(core, { user, client: client.value, scope, amr });
  return ok({ status: 'created', tokens });
}

import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { checkNewPassword } from '../passwords/policy.ts';
import { CODE_TTL_MS, issueCode } from './codes.ts';
import { emailDomain, maskEmail, normaliseEmail } from './email.ts';
import { sendAccountMail } from './send-mail.ts';
import { revokeUnprovenCredentials } from './unproven-credentials.ts';
import { newUserId } from './user-id.ts';

export interface SignUpInput {
  email: string;
  password: string;
  name?: string | undefined;
}

type SignUpError = 'invalid_request' | 'weak_password' | 'signup_disabled' | 'email_domain_not_allowed';

/** Whether the sign-up rules (§1 `signup`) let this normalised email create an account. */
export function checkSignUpAllowed(
  core: Core,
  email: string,
): Result<void, 'signup_disabled' | 'email_domain_not_allowed'> {
  const { signup } = core.config;
  if (!signup.enabled) return fail('signup_disabled', 'sign-up is disabled');
  const allowed = signup.allowed_email_domains.map((d) => d.toLowerCase());
  if (allowed.length > 0 && !allowed.includes(emailDomain(email))) {
    return fail('email_domain_not_allowed', 'this email domain may not sign up');
  }
  return ok(undefined);
}

/** How long a sign-up's code is trusted before a repeat sign-up may take the address over. */
const ARMED_KIND = 'signup_armed';

/** Mails a sign-up code and holds the address for this sign-up while the code is live. */
export async function armSignUp(core: Core, email: string): Promise<void> {
  const code = await issueCode(core, 'signup', email);
  if (code === null) return;
  await core.store.putOneTime({
    kind: ARMED_KIND,
    id: email,
    payload: '{}',
    expiresAt: core.clock.now() + CODE_TTL_MS,
    usedAt: null,
    note: null,
  });
  sendAccountMail(core, email, { kind: 'signup_code', code });
}

/**
 * Same answer for new and existing emails (§2). A new email gets an account awaiting its code.
 * An unconfirmed account whose code has lapsed is re-armed for this sign-up: new password, new
 * code, and every credential and session added before the mailbox was proven is dropped, so
 * pre-registering someone else's address gains nothing. While a code is still live, a repeat
 * sign-up changes nothing (it could otherwise swap in its own password just before the owner
 * types the code); the owner is told someone tried. A confirmed account's owner is told too.
 */
export async function signUp(core: Core, input: SignUpInput): Promise<Result<void, SignUpError>> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return email;
  const allowed = checkSignUpAllowed(core, email.value);
  if (!allowed.ok) return allowed;
  const password = checkNewPassword(input.password, email.value);
  if (!password.ok) return password;
  const passwordHash = await core.passwords.hash(password.value);
  const now = core.clock.now();
  const created = await core.store.createUser({
    id: newUserId(core.random),
    email: email.value,
    emailVerified: false,
    name: input.name ?? null,
    passwordHash,
    roles: [...core.config.defaultRoles],
    disabled: false,
    createdAt: now,
    updatedAt: now,
  });
  if (created === 'created') {
    core.logger.log('info', 'signup', { audit: true, email: maskEmail(email.value) });
    await armSignUp(core, email.value);
    return ok(undefined);
  }
  const existing = await core.store.getUserByEmail(email.value);
  const pending = await core.store.getOneTime(ARMED_KIND, email.value, now);
  if (existing !== null && !existing.emailVerified && pending === null) {
    await revokeUnprovenCredentials(core, existing.id);
    await core.store.updateUser(
      existing.id,
      { passwordHash, ...(input.name ? { name: input.name } : {}) },
      now,
    );
    await armSignUp(core, email.value);
  } else {
    sendAccountMail(core, email.value, { kind: 'signup_existing' });
  }
  return ok(undefined);
}

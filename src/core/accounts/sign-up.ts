import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { checkNewPassword } from '../passwords/policy.ts';
import { issueCode } from './codes.ts';
import { emailDomain, maskEmail, normaliseEmail } from './email.ts';
import { sendAccountMail } from './send-mail.ts';
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

/**
 * Same answer for new and existing emails (§2). A new email gets an account awaiting its code.
 * An unconfirmed account is re-armed with this password and a new code: whoever proves the
 * mailbox owns it, which defeats pre-registration of someone else's address. A confirmed
 * account's owner is told someone tried; nothing changes.
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
    await sendAccountMail(core, email.value, {
      kind: 'signup_code',
      code: await issueCode(core, 'signup', email.value),
    });
    return ok(undefined);
  }
  const existing = await core.store.getUserByEmail(email.value);
  if (existing !== null && !existing.emailVerified) {
    await core.store.updateUser(
      existing.id,
      { passwordHash, ...(input.name ? { name: input.name } : {}) },
      now,
    );
    await sendAccountMail(core, email.value, {
      kind: 'signup_code',
      code: await issueCode(core, 'signup', email.value),
    });
  } else {
    await sendAccountMail(core, email.value, { kind: 'signup_existing' });
  }
  return ok(undefined);
}

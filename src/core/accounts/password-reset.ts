import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { checkNewPassword } from '../passwords/policy.ts';
import { consumeCode, issueCode } from './codes.ts';
import { normaliseEmail } from './email.ts';
import { sendAccountMail } from './send-mail.ts';
import { revokeUnprovenCredentials } from './unproven-credentials.ts';

/** Mails a reset code to a known account; answers identically for unknown ones. */
export async function forgotPassword(core: Core, input: { email: string }): Promise<void> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return;
  const user = await core.store.getUserByEmail(email.value);
  if (user === null || user.disabled) return;
  const code = await issueCode(core, 'reset', email.value);
  if (code !== null) sendAccountMail(core, email.value, { kind: 'reset_code', code });
}

/**
 * Sets a new password with a mailed code, revokes every session (whoever knew the old password
 * is out) and tells the owner. The code also proves the mailbox, so the email becomes verified.
 */
export async function resetPassword(
  core: Core,
  input: { email: string; code: string; password: string },
): Promise<Result<void, 'invalid_code' | 'weak_password'>> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return fail('invalid_code', 'the code is wrong, expired or already used');
  // Policy first, so a weak password doesn't spend the code.
  const password = checkNewPassword(input.password, email.value);
  if (!password.ok) return password;
  if (!(await consumeCode(core, 'reset', email.value, input.code))) {
    return fail('invalid_code', 'the code is wrong, expired or already used');
  }
  const user = await core.store.getUserByEmail(email.value);
  if (user === null) return fail('invalid_code', 'the code is wrong, expired or already used');
  const now = core.clock.now();
  if (!user.emailVerified) await revokeUnprovenCredentials(core, user.id);
  await core.store.updateUser(
    user.id,
    { passwordHash: await core.passwords.hash(password.value), emailVerified: true },
    now,
  );
  await core.store.revokeUserSessions(user.id, now);
  await core.store.revokeUserBrowserSessions(user.id, now);
  await core.store.clearThrottle(`email:${email.value}`);
  core.logger.log('info', 'password_reset', { audit: true, sub: user.id });
  sendAccountMail(core, email.value, { kind: 'password_changed' });
  return ok(undefined);
}

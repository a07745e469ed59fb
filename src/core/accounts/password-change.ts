import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { checkNewPassword, isPlausiblePassword, normalisePassword } from '../passwords/policy.ts';
import { sendAccountMail } from './send-mail.ts';
import { clearThrottle, recordThrottleFailure, signInThrottleKeys, startAttempt } from './throttle.ts';

/**
 * Changes the password of a signed-in user, keeping only the session that asked. Wrong current
 * passwords count against the email's sign-in throttle: a stolen access token must not become an
 * unthrottled password-guessing oracle.
 */
export async function changePassword(
  core: Core,
  input: { userId: string; sessionId: string | null; currentPassword: string; password: string },
): Promise<Result<void, 'invalid_credentials' | 'weak_password' | 'too_many_attempts'>> {
  const user = await core.store.getUserById(input.userId);
  if (user === null) return fail('invalid_credentials', 'current password is incorrect');
  const keys = signInThrottleKeys(user.email, null);
  const throttled = await startAttempt(core, keys);
  if (throttled !== null) return throttled;
  const currentOk =
    user.passwordHash !== null &&
    isPlausiblePassword(input.currentPassword) &&
    (await core.passwords.verify(user.passwordHash, normalisePassword(input.currentPassword)));
  if (!currentOk) {
    await recordThrottleFailure(core, keys);
    return fail('invalid_credentials', 'current password is incorrect');
  }
  for (const key of keys) await clearThrottle(core, key);
  const password = checkNewPassword(input.password, user.email);
  if (!password.ok) return password;
  const now = core.clock.now();
  await core.store.updateUser(user.id, { passwordHash: await core.passwords.hash(password.value) }, now);
  await core.store.revokeUserSessions(user.id, now, input.sessionId ?? undefined);
  core.logger.log('info', 'password_changed', { audit: true, sub: user.id });
  sendAccountMail(core, user.email, { kind: 'password_changed' });
  return ok(undefined);
}

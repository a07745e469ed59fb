import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { checkNewPassword, isPlausiblePassword, normalisePassword } from '../passwords/policy.ts';
import { sendAccountMail } from './send-mail.ts';

/** Changes the password of a signed-in user, keeping only the session that asked. */
export async function changePassword(
  core: Core,
  input: { userId: string; sessionId: string | null; currentPassword: string; password: string },
): Promise<Result<void, 'invalid_credentials' | 'weak_password'>> {
  const user = await core.store.getUserById(input.userId);
  if (user === null) return fail('invalid_credentials', 'current password is incorrect');
  const currentOk =
    user.passwordHash !== null &&
    isPlausiblePassword(input.currentPassword) &&
    (await core.passwords.verify(user.passwordHash, normalisePassword(input.currentPassword)));
  if (!currentOk) return fail('invalid_credentials', 'current password is incorrect');
  const password = checkNewPassword(input.password, user.email);
  if (!password.ok) return password;
  const now = core.clock.now();
  await core.store.updateUser(user.id, { passwordHash: await core.passwords.hash(password.value) }, now);
  await core.store.revokeUserSessions(user.id, now, input.sessionId ?? undefined);
  core.logger.log('info', 'password_changed', { audit: true, sub: user.id });
  await sendAccountMail(core, user.email, { kind: 'password_changed' });
  return ok(undefined);
}

import type { Core } from '../context.ts';
import { fail, ok, type Result } from '../errors.ts';
import { consumeCode, issueCode } from './codes.ts';
import { normaliseEmail } from './email.ts';
import { sendAccountMail } from './send-mail.ts';

export async function confirmSignUp(
  core: Core,
  input: { email: string; code: string },
): Promise<Result<void, 'invalid_code'>> {
  const email = normaliseEmail(input.email);
  if (!email.ok || !(await consumeCode(core, 'signup', email.value, input.code))) {
    return fail('invalid_code', 'the code is wrong, expired or already used');
  }
  const user = await core.store.getUserByEmail(email.value);
  if (user === null) return fail('invalid_code', 'the code is wrong, expired or already used');
  await core.store.updateUser(user.id, { emailVerified: true }, core.clock.now());
  core.logger.log('info', 'email_confirmed', { audit: true, sub: user.id });
  return ok(undefined);
}

/** Sends a new code to an unconfirmed account; does nothing, visibly identically, otherwise. */
export async function resendSignUpCode(core: Core, input: { email: string }): Promise<void> {
  const email = normaliseEmail(input.email);
  if (!email.ok) return;
  const user = await core.store.getUserByEmail(email.value);
  if (user === null || user.emailVerified) return;
  const code = await issueCode(core, 'signup', email.value);
  if (code !== null) sendAccountMail(core, email.value, { kind: 'signup_code', code });
}

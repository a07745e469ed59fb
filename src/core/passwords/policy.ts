import { fail, ok, type Result } from '../errors.ts';
import { isCommonPassword } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** NFKC so that the same password typed on different keyboards hashes the same (ASVS 5 §6.2). */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Checks a new password before it is hashed: length in code points after normalisation, no
 * composition rules, no truncation, common passwords refused. Returns the normalised password.
 */
export function checkNewPassword(password: string, email?: string): Result<string, 'weak_password'> {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return fail('weak_password', `password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return fail('weak_password', `password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (isCommonPassword(normalised)) return fail('weak_password', 'password is too common');
  if (email !== undefined && normalised.toLowerCase() === email.toLowerCase()) {
    return fail('weak_password', 'password must not be the email address');
  }
  return ok(normalised);
}

/** For sign-in: a presented password that could never be valid is rejected without hashing. */
export function isPlausiblePassword(password: string): boolean {
  const length = [...normalisePassword(password)].length;
  return length >= 1 && length <= PASSWORD_MAX_LENGTH;
}

import { fail, ok, type Result } from '../errors.ts';

// Deliberately loose: one @, a dot-free-or-dotted domain, no spaces. Real proof is the emailed code.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

/** Trim, NFKC and lower-case, so one mailbox is one account whatever the spelling. */
export function normaliseEmail(raw: string): Result<string, 'invalid_request'> {
  const email = raw.trim().normalize('NFKC').toLowerCase();
  if (email.length > 254 || !EMAIL_SHAPE.test(email))
    return fail('invalid_request', 'email is not a valid address');
  return ok(email);
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** `ada@example.com` → `a***@example.com`, for logs. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

import { fail, ok, type Result } from '../core/errors.ts';

export const DEFAULT_PASSKEY_NAME = 'Passkey';
export const MAX_PASSKEY_NAME_LENGTH = 64;

/** A user-chosen label: trimmed, NFC, 1 to 64 characters, no control characters. */
export function checkPasskeyName(raw: string | undefined): Result<string, 'invalid_request'> {
  if (raw === undefined) return ok(DEFAULT_PASSKEY_NAME);
  const name = raw.trim().normalize('NFC');
  if (name === '' || [...name].length > MAX_PASSKEY_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    return fail('invalid_request', `name: must be 1 to ${MAX_PASSKEY_NAME_LENGTH} printable characters`);
  }
  return ok(name);
}

import type { Core } from '../core/context.ts';
import { fail, ok, type Result } from '../core/errors.ts';
import type { PasskeyRecord, UserRecord } from '../storage/port.ts';
import { checkPasskeyName } from './passkey-name.ts';

export function listPasskeys(core: Core, userId: string): Promise<PasskeyRecord[]> {
  return core.store.listPasskeysByUser(userId);
}

const NOT_FOUND = 'no passkey with this id belongs to you';

export async function renamePasskey(
  core: Core,
  input: { userId: string; id: string; name: string },
): Promise<Result<PasskeyRecord, 'invalid_request' | 'not_found'>> {
  const name = checkPasskeyName(input.name);
  if (!name.ok) return name;
  const renamed = await core.store.renamePasskey(input.id, input.userId, name.value);
  return renamed === null ? fail('not_found', NOT_FOUND) : ok(renamed);
}

/** Whether the user has a way in besides passkeys: a password or a linked identity. */
async function hasNonPasskeyMethod(core: Core, user: UserRecord): Promise<boolean> {
  if (user.passwordHash !== null) return true;
  return (await core.store.listIdentitiesByUser(user.id)).length > 0;
}

/**
 * Removes one of the user's passkeys, but never the last way into the account: without a
 * password or linked identity, the store deletes only while another passkey remains, in the
 * same atomic step, so two concurrent deletes cannot remove both.
 */
export async function deletePasskey(
  core: Core,
  input: { user: UserRecord; id: string },
): Promise<Result<void, 'not_found' | 'last_sign_in_method'>> {
  const result = await core.store.deletePasskey(input.id, input.user.id, {
    requireAnother: !(await hasNonPasskeyMethod(core, input.user)),
  });
  if (result === 'not_found') return fail('not_found', NOT_FOUND);
  if (result === 'last_passkey') {
    return fail(
      'last_sign_in_method',
      'this passkey is the only way to sign in to this account; add another passkey or a password first',
    );
  }
  core.logger.log('info', 'passkey_deleted', { audit: true, sub: input.user.id, credential_id: input.id });
  return ok(undefined);
}

import type { Core } from '../context.ts';

/**
 * An unconfirmed account may hold credentials added before anyone proved the mailbox (a
 * passkey-only sign-up, say). When the mailbox owner takes the account over (a repeat sign-up,
 * or a reset that confirms the email), those credentials and their sessions must not survive:
 * whoever proves the mailbox gets a clean account.
 */
export async function revokeUnprovenCredentials(core: Core, userId: string): Promise<void> {
  const now = core.clock.now();
  for (const passkey of await core.store.listPasskeysByUser(userId)) {
    await core.store.deletePasskey(passkey.id, userId, { requireAnother: false });
  }
  await core.store.revokeUserSessions(userId, now);
  await core.store.revokeUserBrowserSessions(userId, now);
  core.logger.log('info', 'unproven_credentials_revoked', { audit: true, sub: userId });
}

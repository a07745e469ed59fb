import { maskEmail } from '../core/accounts/email.ts';
import { checkSignUpAllowed } from '../core/accounts/sign-up.ts';
import { newUserId } from '../core/accounts/user-id.ts';
import type { Core } from '../core/context.ts';
import type { UserRecord } from '../storage/port.ts';
import type { UpstreamIdentity } from './upstream-identity.ts';

/**
 * The account an upstream identity signs in to. In order:
 * 1. the account the identity (issuer, sub) is linked to;
 * 2. an account with the same email, linked now — only when the provider says
 *    `email_verified: true` and the account's own email is confirmed;
 * 3. a new account, under the sign-up rules of password sign-up (enabled, allowed domains,
 *    default roles), again only for an email the provider verified.
 */

export type FederatedAccountFailure =
  /** The provider shared no email, so there is no account to find or create. */
  | 'no_email'
  /** No account yet, and the provider has not verified the email: not enough to create one. */
  | 'email_not_verified'
  /** An account has this email, but the provider has not verified it: no automatic link. */
  | 'link_needs_verified_email'
  /** An account has this email but never confirmed it here: no automatic link either. */
  | 'existing_unconfirmed'
  | 'signup_disabled'
  | 'email_domain_not_allowed'
  | 'account_disabled';

export type FederatedAccountResult =
  | { ok: true; user: UserRecord; outcome: 'signed_in' | 'linked' | 'created' }
  | { ok: false; reason: FederatedAccountFailure };

function newIdentityId(core: Core): string {
  return `fid_${Buffer.from(core.random.bytes(12)).toString('base64url')}`;
}

async function linkRecord(core: Core, userId: string, identity: UpstreamIdentity) {
  return core.store.linkIdentity({
    id: newIdentityId(core),
    userId,
    issuer: identity.issuer,
    subject: identity.subject,
    provider: identity.provider,
    email: identity.email,
    createdAt: core.clock.now(),
  });
}

export async function resolveFederatedUser(
  core: Core,
  identity: UpstreamIdentity,
): Promise<FederatedAccountResult> {
  // A lost race (the identity or the email appeared meanwhile) is resolved by looking again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const linked = await core.store.getIdentityByIssuerSubject(identity.issuer, identity.subject);
    if (linked !== null) {
      const user = await core.store.getUserById(linked.userId);
      if (user === null) continue;
      if (user.disabled) return { ok: false, reason: 'account_disabled' };
      return { ok: true, user, outcome: 'signed_in' };
    }
    if (identity.email === null) return { ok: false, reason: 'no_email' };
    const existing = await core.store.getUserByEmail(identity.email);
    if (existing !== null) {
      if (!identity.emailVerified) return { ok: false, reason: 'link_needs_verified_email' };
      if (!existing.emailVerified) return { ok: false, reason: 'existing_unconfirmed' };
      if (existing.disabled) return { ok: false, reason: 'account_disabled' };
      if ((await linkRecord(core, existing.id, identity)) === 'taken') continue;
      core.logger.log('info', 'federation_linked', {
        audit: true,
        sub: existing.id,
        provider: identity.provider,
        by: 'verified_email',
      });
      return { ok: true, user: existing, outcome: 'linked' };
    }
    if (!identity.emailVerified) return { ok: false, reason: 'email_not_verified' };
    const allowed = checkSignUpAllowed(core, identity.email);
    if (!allowed.ok) return { ok: false, reason: allowed.code };
    const now = core.clock.now();
    const user: UserRecord = {
      id: newUserId(core.random),
      email: identity.email,
      emailVerified: true,
      name: identity.name,
      passwordHash: null,
      roles: [...core.config.defaultRoles],
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    if ((await core.store.createUser(user)) === 'email_taken') continue;
    if ((await linkRecord(core, user.id, identity)) === 'taken') continue;
    core.logger.log('info', 'signup', {
      audit: true,
      sub: user.id,
      email: maskEmail(user.email),
      provider: identity.provider,
    });
    return { ok: true, user, outcome: 'created' };
  }
  throw new Error('federated sign-in kept losing races');
}

export type LinkOutcome = 'linked' | 'already_linked' | 'linked_elsewhere' | 'no_user';

/** Links an identity to a signed-in user (account page): both were proven, so no email rule. */
export async function linkIdentityToUser(
  core: Core,
  userId: string,
  identity: UpstreamIdentity,
): Promise<LinkOutcome> {
  const user = await core.store.getUserById(userId);
  if (user === null || user.disabled) return 'no_user';
  if ((await linkRecord(core, userId, identity)) === 'linked') {
    core.logger.log('info', 'federation_linked', {
      audit: true,
      sub: userId,
      provider: identity.provider,
      by: 'account_page',
    });
    return 'linked';
  }
  const owner = await core.store.getIdentityByIssuerSubject(identity.issuer, identity.subject);
  return owner?.userId === userId ? 'already_linked' : 'linked_elsewhere';
}

import type { GatehouseConfig } from '../config/config.ts';
import type { Core } from '../core/context.ts';
import { isRecentSignIn as isRecentAuthentication } from '../core/sessions/recent-sign-in.ts';
import type { BrowserSessionRecord, IdentityRecord, UserRecord } from '../storage/port.ts';
import { configuredProviders, resolveProvider } from './providers.ts';

/**
 * Linking and unlinking from the account page. Both change how the account can be signed in
 * to, so both need a recent sign-in; and the last way in cannot be removed.
 */

export function isRecentSignIn(session: BrowserSessionRecord, now: number): boolean {
  return isRecentAuthentication(session.authTime, now);
}

/** Whether the user has a way in besides linked identities: a password or a passkey. */
async function hasOtherSignInMethod(core: Core, user: UserRecord): Promise<boolean> {
  if (user.passwordHash !== null) return true;
  return (await core.store.listPasskeysByUser(user.id)).length > 0;
}

export type UnlinkOutcome = 'unlinked' | 'not_found' | 'last_method';

export async function unlinkUserIdentity(
  core: Core,
  user: UserRecord,
  identityId: string,
): Promise<UnlinkOutcome> {
  const requireAnother = !(await hasOtherSignInMethod(core, user));
  const result = await core.store.unlinkIdentity(identityId, user.id, { requireAnother });
  if (result === 'unlinked') {
    core.logger.log('info', 'federation_unlinked', { audit: true, sub: user.id, identity: identityId });
  }
  return result === 'last_identity' ? 'last_method' : result;
}

export interface LinkedIdentityView {
  id: string;
  provider: string;
  label: string;
  email: string | null;
  createdAt: number;
  /** POST here (with the CSRF field) to unlink. */
  unlinkAction: string;
}

export interface IdentitiesView {
  linked: LinkedIdentityView[];
  /** Providers the user can link (POST `linkAction` with the CSRF field). */
  available: { id: string; label: string; linkAction: string }[];
  /** False when unlinking the only identity would lock the user out (the page can hide the button). */
  canUnlinkLast: boolean;
}

function labelOf(config: GatehouseConfig, identity: IdentityRecord): string {
  return resolveProvider(config, identity.provider)?.label ?? identity.provider;
}

/** What the account page's "Linked accounts" section shows. */
export async function identitiesView(core: Core, user: UserRecord): Promise<IdentitiesView> {
  const identities = await core.store.listIdentitiesByUser(user.id);
  return {
    linked: identities.map((identity) => ({
      id: identity.id,
      provider: identity.provider,
      label: labelOf(core.config, identity),
      email: identity.email,
      createdAt: identity.createdAt,
      unlinkAction: `/account/identities/${encodeURIComponent(identity.id)}/unlink`,
    })),
    available: configuredProviders(core.config).map(({ id, label }) => ({
      id,
      label,
      linkAction: `/account/identities/${id}/link`,
    })),
    canUnlinkLast: await hasOtherSignInMethod(core, user),
  };
}

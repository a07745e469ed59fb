import { normaliseEmail } from '../core/accounts/email.ts';
import type { FederationProvider } from './providers.ts';

/** Who the provider says signed in, once its ID token (and userinfo) passed verification. */
export interface UpstreamIdentity {
  provider: string;
  /** The provider's canonical issuer (Google's scheme-less `iss` maps to it). */
  issuer: string;
  subject: string;
  /** Normalised; null when the provider shared none (or an unusable one). */
  email: string | null;
  /** Only an explicit `true` (Apple sends the string "true") counts. */
  emailVerified: boolean;
  name: string | null;
  /** Apple's per-app relay address (`…@privaterelay.appleid.com`), which forwards to the user. */
  privateEmail: boolean;
}

const MAX_NAME = 200;

export type IdentityCheck = { ok: true; identity: UpstreamIdentity } | { ok: false; reason: 'wrong_domain' };

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.slice(0, MAX_NAME);
}

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * Google vouches for an address only where it runs the mailbox: gmail.com, or a Workspace domain
 * (`hd` claim equal to the address's domain). For any other address `email_verified` only says
 * the address was verified once, and its current owner may be someone else.
 */
function authoritative(
  provider: FederationProvider,
  email: string,
  claims: Readonly<Record<string, unknown>>,
): boolean {
  if (provider.kind !== 'google') return true;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const hd = typeof claims['hd'] === 'string' ? claims['hd'].toLowerCase() : null;
  return domain === 'gmail.com' || domain === 'googlemail.com' || hd === domain;
}

/**
 * Reads the verified claims. `fallback` holds what the ID token lacked (userinfo claims, Apple's
 * one-time `user` field); the ID token wins where both speak.
 */
export function identityFromClaims(
  provider: FederationProvider,
  claims: Readonly<Record<string, unknown>>,
  fallback: { email?: unknown; email_verified?: unknown; name?: unknown } = {},
): IdentityCheck {
  // The `hd` parameter only steers Google's account chooser; the claim is the proof.
  if (provider.hostedDomain !== null && claims['hd'] !== provider.hostedDomain) {
    return { ok: false, reason: 'wrong_domain' };
  }
  const fromToken = typeof claims['email'] === 'string';
  const rawEmail = fromToken ? claims['email'] : fallback.email;
  const email = typeof rawEmail === 'string' ? normaliseEmail(rawEmail) : null;
  const verified = fromToken ? claims['email_verified'] : fallback.email_verified;
  const given = text(claims['given_name']);
  const family = text(claims['family_name']);
  const joined = [given, family].filter((part) => part !== null).join(' ');
  return {
    ok: true,
    identity: {
      provider: provider.id,
      issuer: provider.issuer,
      subject: String(claims['sub']),
      email: email?.ok ? email.value : null,
      emailVerified: email?.ok === true && flag(verified) && authoritative(provider, email.value, claims),
      name: text(claims['name']) ?? text(fallback.name) ?? (joined === '' ? null : joined),
      privateEmail: flag(claims['is_private_email']),
    },
  };
}

/**
 * Apple's `user` form field (JSON, sent on the first authorization only):
 * `{"name":{"firstName","lastName"},"email"}`. Only the name is taken: the email and whether it
 * is verified come from the signed ID token.
 */
export function appleUserName(raw: string | undefined): string | null {
  if (raw === undefined || raw.length > 2048) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const name: unknown = (parsed as { name?: unknown }).name;
    if (typeof name !== 'object' || name === null) return null;
    const { firstName, lastName } = name as { firstName?: unknown; lastName?: unknown };
    const joined = [text(firstName), text(lastName)].filter((part) => part !== null).join(' ');
    return joined === '' ? null : joined.slice(0, MAX_NAME);
  } catch {
    return null;
  }
}

import type { UserRecord } from '../storage/port.ts';
import type { Html } from './layout.ts';

/** A failed form of an extension's account section, rendered again with its message. */
export interface SectionError {
  /** Which extension's section the message belongs to (e.g. 'passkeys'). */
  section: string;
  message: string;
}

/**
 * A sign-in method's contribution to the hosted pages (federation, passkeys): buttons on the
 * sign-in and sign-up pages and a section on the account page. Pages stay ignorant of each method.
 */
export interface PageExtension {
  signInMethods?(context: { request: string | null; csrf: string }): Html[] | Promise<Html[]>;
  signUpMethods?(context: { request: string | null; csrf: string }): Html[] | Promise<Html[]>;
  accountSections?(context: {
    user: UserRecord;
    csrf: string;
    error: SectionError | null;
  }): Html[] | Promise<Html[]>;
  /**
   * The method offers itself in the sign-in email field's autofill (WebAuthn conditional
   * mediation), so the field says `autocomplete="username webauthn"`.
   */
  emailAutofill?: boolean;
}

export async function collectSignInMethods(
  extensions: readonly PageExtension[],
  context: { request: string | null; csrf: string },
): Promise<Html[]> {
  const parts = await Promise.all(extensions.map((extension) => extension.signInMethods?.(context) ?? []));
  return parts.flat();
}

export async function collectSignUpMethods(
  extensions: readonly PageExtension[],
  context: { request: string | null; csrf: string },
): Promise<Html[]> {
  const parts = await Promise.all(extensions.map((extension) => extension.signUpMethods?.(context) ?? []));
  return parts.flat();
}

export async function collectAccountSections(
  extensions: readonly PageExtension[],
  context: { user: UserRecord; csrf: string; error?: SectionError | null },
): Promise<Html[]> {
  const full = { ...context, error: context.error ?? null };
  const parts = await Promise.all(extensions.map((extension) => extension.accountSections?.(full) ?? []));
  return parts.flat();
}

/** The sign-in email field's autocomplete tokens: `webauthn` last when an extension asks for it. */
export function signInEmailAutocomplete(extensions: readonly PageExtension[]): string {
  return extensions.some((extension) => extension.emailAutofill === true) ? 'username webauthn' : 'username';
}

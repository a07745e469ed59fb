import type { UserRecord } from '../storage/port.ts';
import type { Html } from './layout.ts';

/**
 * A sign-in method's contribution to the hosted pages (federation, passkeys): buttons on the
 * sign-in page and a section on the account page. Pages stay ignorant of each method.
 */
export interface PageExtension {
  signInMethods?(context: { request: string | null; csrf: string }): Html[] | Promise<Html[]>;
  accountSections?(context: { user: UserRecord; csrf: string }): Html[] | Promise<Html[]>;
}

export async function collectSignInMethods(
  extensions: readonly PageExtension[],
  context: { request: string | null; csrf: string },
): Promise<Html[]> {
  const parts = await Promise.all(extensions.map((extension) => extension.signInMethods?.(context) ?? []));
  return parts.flat();
}

export async function collectAccountSections(
  extensions: readonly PageExtension[],
  context: { user: UserRecord; csrf: string },
): Promise<Html[]> {
  const parts = await Promise.all(extensions.map((extension) => extension.accountSections?.(context) ?? []));
  return parts.flat();
}

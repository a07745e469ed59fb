import { createHmac } from 'node:crypto';
import type { PublicKeyCredentialDescriptorJSON } from '@simplewebauthn/server';
import type { Core } from '../core/context.ts';

/**
 * Sign-in options for an email without passkeys (unknown, or password-only) still list a
 * credential, so the options do not tell which emails have accounts. The id is a keyed hash of
 * the email: the same on every request, unguessable without the server's key, and never a
 * registered credential, so the ceremony can only fail.
 */
export function decoyCredentials(core: Core, email: string): PublicKeyCredentialDescriptorJSON[] {
  const id = createHmac('sha256', core.codeKey).update(`passkey-decoy\0${email}`).digest('base64url');
  return [{ id, type: 'public-key', transports: ['hybrid', 'internal'] }];
}

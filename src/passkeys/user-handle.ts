/**
 * The WebAuthn user handle of an account is the UTF-8 of its user id: opaque, at most 64 bytes,
 * no personal data, and derivable, so nothing more is stored. Discoverable sign-in compares the
 * handle the authenticator returns with the one of the credential's owner (the library does not).
 */
export function userHandleBytes(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}

/** The handle as it travels in `response.userHandle`: base64url. */
export function userHandleOf(userId: string): string {
  return Buffer.from(userHandleBytes(userId)).toString('base64url');
}

/**
 * WebAuthn L3 §7.2 (signature counter): when either the stored or the received counter is
 * non-zero, the received one must be greater; otherwise the authenticator may be cloned. Both 0
 * means an authenticator without a counter (most synced passkeys), which is accepted.
 */
export function counterAdvances(stored: number, received: number): boolean {
  return (stored === 0 && received === 0) || received > stored;
}

import type { PasskeyRecord } from '../storage/port.ts';

export interface AssertedFlags {
  deviceType: PasskeyRecord['deviceType'];
  backedUp: boolean;
  userVerified: boolean;
}

/**
 * RFC 8176 `amr` for a passkey ceremony. The key: `swk` when it may leave the device (backup
 * eligible, i.e. a synced passkey, or backed up), else `hwk` (a device-bound key). With user
 * verification (PIN or biometric checked by the authenticator), also `user` and `mfa`: possession
 * of the key plus something the user knows or is.
 */
export function passkeyAmr(flags: AssertedFlags): string[] {
  const key = flags.deviceType === 'multiDevice' || flags.backedUp ? 'swk' : 'hwk';
  return flags.userVerified ? [key, 'user', 'mfa'] : [key];
}

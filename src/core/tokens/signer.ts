import type { SigningKeyRing } from '../keys/key-ring.ts';

/** What token signing and verification need from the key ring. */
export type TokenRing = Pick<SigningKeyRing, 'currentSigningKey' | 'publicKeyFor' | 'algorithms'>;

/** Epoch seconds from epoch milliseconds. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

import type { RandomSource } from '../clock.ts';

/** `usr_` + 128 random bits: a `sub` that can never equal a client_id (config forbids the prefix). */
export function newUserId(random: RandomSource): string {
  return `usr_${Buffer.from(random.bytes(16)).toString('base64url')}`;
}

/**
 * Opaque tokens (refresh tokens and the like): random, prefixed so leaked ones are recognisable
 * by secret scanners, and stored only as a hash.
 */
import { createHash } from 'node:crypto';
import { cryptoRandom, type RandomSource } from '../clock.ts';

const TOKEN_BYTES = 32;

/** `${prefix}${base64url(32 random bytes)}`, e.g. `ghr_…`. */
export function generateOpaqueToken(prefix: string, random: RandomSource = cryptoRandom): string {
  return prefix + Buffer.from(random.bytes(TOKEN_BYTES)).toString('base64url');
}

/**
 * SHA-256, base64url. Unsalted is enough: the token carries 256 bits of entropy, so the hash
 * cannot be reversed by guessing, and a plain hash lets the store look the token up directly.
 */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

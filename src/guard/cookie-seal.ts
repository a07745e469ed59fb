import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Clock } from '../core/clock.ts';

/** The application secret must carry at least 256 bits. */
export const MIN_SECRET_BYTES = 32;

/**
 * One key per purpose, all derived from the one application secret (HKDF-SHA256, RFC 5869).
 * Separate keys mean a transaction cookie can never be replayed as a session cookie (or vice
 * versa), and the CSRF MAC key is not the encryption key.
 */
export interface CookieKeys {
  session: Uint8Array;
  transaction: Uint8Array;
  csrf: Uint8Array;
}

export function deriveCookieKeys(secret: string | Uint8Array): CookieKeys {
  const material = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(material instanceof Uint8Array) || material.byteLength < MIN_SECRET_BYTES) {
    // The message names the rule, never the value.
    throw new TypeError(`createCookieSession: secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const derive = (purpose: string) =>
    new Uint8Array(
      hkdfSync('sha256', material, new Uint8Array(0), `gatehouse/cookie-session/v1/${purpose}`, 32),
    );
  return { session: derive('session'), transaction: derive('transaction'), csrf: derive('csrf') };
}

/**
 * Encrypts and authenticates `payload` as a compact JWE (`dir` + `A256GCM`), valid for `ttlSeconds`.
 * The browser holds it but can neither read nor alter it.
 */
export async function seal(
  payload: Record<string, unknown>,
  key: Uint8Array,
  ttlSeconds: number,
  clock: Clock,
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .encrypt(key);
}

/**
 * The payload of a sealed value, or null when it was not sealed with this key, was altered, or has
 * expired. Callers can't tell these apart and needn't: each means "no usable cookie".
 */
export async function unseal(
  value: string | undefined,
  key: Uint8Array,
  clock: Clock,
): Promise<Record<string, unknown> | null> {
  // Far above any cookie a browser keeps; stops huge forged values reaching the decryptor.
  if (value === undefined || value.length > 8192) return null;
  try {
    const { payload } = await jwtDecrypt(value, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      currentDate: new Date(clock.now()),
      requiredClaims: ['exp'],
    });
    return payload;
  } catch {
    return null;
  }
}

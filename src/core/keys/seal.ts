/**
 * Secrets at rest (signing keys' private halves, …) sealed with the master key.
 *
 * AES-256-GCM with a fresh 12-byte IV per seal. The AAD binds a ciphertext to its purpose (e.g.
 * the kid), so a sealed value copied onto another row does not open. The output is versioned
 * (`v1.<iv>.<ct>.<tag>`, base64url parts) so the format or cipher can change later without
 * guessing what an old row holds.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { cryptoRandom, type RandomSource } from '../clock.ts';
import { GatehouseError } from '../errors.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MASTER_KEY_BYTES = 32;
/** The sealing key is itself derived, so the raw master key is used for nothing but HKDF. */
const SEAL_PURPOSE = 'gatehouse/seal/v1';

function checkMasterKey(masterKey: Uint8Array): void {
  if (masterKey.byteLength !== MASTER_KEY_BYTES) {
    throw new GatehouseError('bad_master_key', `the master key must be ${MASTER_KEY_BYTES} bytes`);
  }
}

/**
 * A 32-byte subkey of the master key for one purpose (HKDF-SHA256), so code hashing, sealing and
 * the rest never share key material.
 */
export function deriveKey(masterKey: Uint8Array, purpose: string): Uint8Array {
  checkMasterKey(masterKey);
  if (purpose.length === 0) throw new GatehouseError('bad_key_purpose', 'a derived key needs a purpose');
  return new Uint8Array(hkdfSync('sha256', masterKey, new Uint8Array(0), purpose, 32));
}

export function sealSecret(
  masterKey: Uint8Array,
  plaintext: string,
  aad: string,
  random: RandomSource = cryptoRandom,
): string {
  const key = deriveKey(masterKey, SEAL_PURPOSE);
  const iv = random.bytes(IV_BYTES);
  if (iv.byteLength !== IV_BYTES)
    throw new GatehouseError('bad_random', 'random source returned too few bytes');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, b64(iv), b64(ct), b64(tag)].join('.');
}

/** Opens what `sealSecret` produced; throws (without echoing anything sealed) when it does not verify. */
export function openSecret(masterKey: Uint8Array, sealed: string, aad: string): string {
  const key = deriveKey(masterKey, SEAL_PURPOSE);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new GatehouseError('sealed_secret_invalid', 'sealed secret has an unknown format');
  }
  const iv = Buffer.from(parts[1] ?? '', 'base64url');
  const ct = Buffer.from(parts[2] ?? '', 'base64url');
  const tag = Buffer.from(parts[3] ?? '', 'base64url');
  if (iv.byteLength !== IV_BYTES || tag.byteLength !== TAG_BYTES) {
    throw new GatehouseError('sealed_secret_invalid', 'sealed secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch (cause) {
    // Wrong master key, wrong purpose or tampering: all look the same, by design.
    throw new GatehouseError('sealed_secret_invalid', 'sealed secret does not verify', { cause });
  }
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

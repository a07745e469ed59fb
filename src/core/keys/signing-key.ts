/**
 * One signing key: generation, its stored record, and turning the record back into keys.
 * The private JWK only ever leaves this file sealed; the public JWK is built from an allowlist of
 * members so a private parameter can never slip into the JWKS.
 */
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import type { SigningAlg } from '../../config/config.ts';
import type { SigningKeyRecord } from '../../storage/port.ts';
import type { RandomSource } from '../clock.ts';
import { GatehouseError } from '../errors.ts';
import { openSecret, sealSecret } from './seal.ts';

/** The public members per key type (RFC 7517/7518/8037); nothing else is ever published. */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/** The JWK published for `kid`: kty, kid, alg, use and the public parameters only. */
export function publicJwkOf(jwk: JWK, kid: string, alg: string): JWK {
  const kty = jwk.kty ?? '';
  const members = PUBLIC_MEMBERS[kty];
  if (!members) throw new GatehouseError('bad_signing_key', `unsupported key type ${kty}`);
  const out: Record<string, string> = { kty, kid, alg, use: 'sig' };
  for (const name of members) {
    const value = (jwk as Record<string, unknown>)[name];
    if (typeof value !== 'string') throw new GatehouseError('bad_signing_key', `public key lacks ${name}`);
    out[name] = value;
  }
  return out as JWK;
}

/** The AAD ties a sealed private key to its kid: a sealed value moved to another row won't open. */
function sealAad(kid: string): string {
  return `gatehouse/signing-key/${kid}`;
}

/** A fresh key pair as a record ready for the store. kid = RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(
  alg: SigningAlg,
  masterKey: Uint8Array,
  random: RandomSource,
  times: { createdAt: number; activatesAt: number },
): Promise<SigningKeyRecord> {
  const options = alg === 'RS256' ? { extractable: true, modulusLength: 2048 } : { extractable: true };
  const { publicKey, privateKey } = await generateKeyPair(alg, options);
  const publicRaw = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicRaw, 'sha256');
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    alg,
    publicJwk: JSON.stringify(publicJwkOf(publicRaw, kid, alg)),
    sealedPrivateJwk: sealSecret(masterKey, JSON.stringify(privateJwk), sealAad(kid), random),
    // Published from creation; it signs once it is the oldest unretired key (see ring-state.ts).
    createdAt: times.createdAt,
    activatesAt: times.activatesAt,
    retiredAt: null,
    expiresAt: null,
  };
}

export function parsePublicJwk(record: SigningKeyRecord): JWK {
  return publicJwkOf(JSON.parse(record.publicJwk) as JWK, record.kid, record.alg);
}

/** The public key as a CryptoKey for verification, bound to the record's alg. */
export async function importPublicKey(record: SigningKeyRecord): Promise<CryptoKey> {
  const key = await importJWK(parsePublicJwk(record), record.alg);
  if (key instanceof Uint8Array) throw new GatehouseError('bad_signing_key', 'signing key is symmetric');
  return key;
}

/** Unseals and imports the private key (non-extractable: it never leaves the process again). */
export async function importPrivateKey(record: SigningKeyRecord, masterKey: Uint8Array): Promise<CryptoKey> {
  const jwk = JSON.parse(openSecret(masterKey, record.sealedPrivateJwk, sealAad(record.kid))) as JWK;
  const key = await importJWK(jwk, record.alg, { extractable: false });
  if (key instanceof Uint8Array) throw new GatehouseError('bad_signing_key', 'signing key is symmetric');
  return key;
}

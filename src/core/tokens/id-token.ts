/** OpenID Connect ID tokens (Core §2), signed with the ring's current key, header `typ: JWT`. */
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { type TokenRing, toSeconds } from './signer.ts';

export interface IdTokenInput {
  issuer: string;
  sub: string;
  /** The audience: the client the token is for. */
  clientId: string;
  nonce?: string;
  /** Epoch seconds of the authentication. */
  authTime: number;
  amr: string[];
  email?: string;
  emailVerified?: boolean;
  name?: string;
  sid?: string;
  ttlSeconds: number;
  /** Epoch milliseconds. */
  now: number;
  atHash?: string;
}

export async function signIdToken(ring: TokenRing, input: IdTokenInput): Promise<string> {
  const key = await ring.currentSigningKey();
  const iat = toSeconds(input.now);
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.sub,
    aud: input.clientId,
    exp: iat + input.ttlSeconds,
    iat,
    auth_time: input.authTime,
    amr: input.amr,
  };
  if (input.nonce !== undefined) claims['nonce'] = input.nonce;
  if (input.email !== undefined) claims['email'] = input.email;
  if (input.emailVerified !== undefined) claims['email_verified'] = input.emailVerified;
  if (input.name !== undefined) claims['name'] = input.name;
  if (input.sid !== undefined) claims['sid'] = input.sid;
  if (input.atHash !== undefined) claims['at_hash'] = input.atHash;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/**
 * `at_hash` (Core §3.1.3.6): the left half of the access token's hash, base64url. The hash
 * follows the signing alg: SHA-256 for RS256/ES256, SHA-512 for EdDSA (Ed25519).
 */
export function accessTokenHash(accessToken: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

import { createHash } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import type { AppleSigningKey } from './providers.ts';

/**
 * Apple's client secret: an ES256 JWT signed with the team's key (`iss` team id, `sub` the
 * Services ID, `aud` Apple's issuer, `kid` the key id). Apple accepts lifetimes up to six
 * months; an hour keeps a leaked one short-lived. Each is reused until five minutes before it
 * expires, so signing happens about once an hour per process, not per sign-in.
 */
const LIFETIME_S = 60 * 60;
const RENEW_BEFORE_S = 5 * 60;

const cache = new Map<string, { jwt: string; exp: number }>();

/** Keys pasted into JSON often carry literal `\n` for newlines. */
function pem(privateKey: string): string {
  return privateKey.includes('\\n') ? privateKey.replaceAll('\\n', '\n') : privateKey;
}

export async function appleClientSecret(
  key: AppleSigningKey,
  clientId: string,
  audience: string,
  nowSeconds: number,
): Promise<string> {
  const cacheKey = createHash('sha256')
    .update([key.teamId, key.keyId, clientId, audience, key.privateKey].join('\0'))
    .digest('base64url');
  const cached = cache.get(cacheKey);
  if (cached !== undefined && cached.exp - RENEW_BEFORE_S > nowSeconds) return cached.jwt;
  const exp = nowSeconds + LIFETIME_S;
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.keyId })
    .setIssuer(key.teamId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(exp)
    .sign(await importPKCS8(pem(key.privateKey), 'ES256'));
  cache.set(cacheKey, { jwt, exp });
  return jwt;
}

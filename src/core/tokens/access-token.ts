/**
 * JWT access tokens per RFC 9068 (header `typ: at+jwt`), and their verification for Gatehouse's
 * own Bearer-protected endpoints.
 */
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { cryptoRandom } from '../clock.ts';
import { ringKeyResolver } from '../keys/verify-key.ts';
import { type TokenRing, toSeconds } from './signer.ts';

export interface AccessTokenInput {
  issuer: string;
  sub: string;
  audience: string | string[];
  clientId: string;
  scope: string[];
  roles: string[];
  sid?: string;
  email?: string;
  ttlSeconds: number;
  /** Epoch milliseconds. */
  now: number;
  jti?: string;
  /** Further claims; they never override the registered ones above. */
  extra?: Record<string, unknown>;
}

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
  roles: string[];
  sid?: string;
  email?: string;
}

export type AccessTokenVerification = { ok: true; claims: AccessTokenClaims } | { ok: false };

const TYP = 'at+jwt';
/** Headers that would let a token name its own verification key; ours come only from the ring. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

export async function signAccessToken(
  ring: TokenRing,
  input: AccessTokenInput,
): Promise<{ token: string; expiresIn: number }> {
  const key = await ring.currentSigningKey();
  const iat = toSeconds(input.now);
  const claims: Record<string, unknown> = {
    ...input.extra,
    iss: input.issuer,
    sub: input.sub,
    aud: input.audience,
    exp: iat + input.ttlSeconds,
    iat,
    jti: input.jti ?? Buffer.from(cryptoRandom.bytes(16)).toString('base64url'),
    client_id: input.clientId,
    scope: input.scope.join(' '),
    roles: input.roles,
  };
  if (input.sid !== undefined) claims['sid'] = input.sid;
  else delete claims['sid'];
  if (input.email !== undefined) claims['email'] = input.email;
  else delete claims['email'];
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: TYP })
    .sign(key.privateKey);
  return { token, expiresIn: input.ttlSeconds };
}

export async function verifyAccessToken(
  ring: TokenRing,
  token: string,
  options: { issuer: string; audience?: string | string[]; now: number },
): Promise<AccessTokenVerification> {
  try {
    const header = decodeProtectedHeader(token);
    if (KEY_BEARING_HEADERS.some((name) => name in header)) return { ok: false };
    const { payload } = await jwtVerify(token, ringKeyResolver(ring), {
      algorithms: await ring.algorithms(),
      typ: TYP,
      issuer: options.issuer,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
      currentDate: new Date(options.now),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
    });
    return isAccessTokenClaims(payload) ? { ok: true, claims: payload } : { ok: false };
  } catch {
    // Malformed, forged, expired or foreign: the caller answers invalid_token whatever the cause.
    return { ok: false };
  }
}

function isAccessTokenClaims(payload: JWTPayload): payload is AccessTokenClaims {
  const p = payload as Record<string, unknown>;
  if (p['roles'] === undefined) p['roles'] = [];
  return (
    typeof p['sub'] === 'string' &&
    typeof p['jti'] === 'string' &&
    typeof p['client_id'] === 'string' &&
    typeof p['scope'] === 'string' &&
    Array.isArray(p['roles']) &&
    p['roles'].every((role) => typeof role === 'string') &&
    (p['sid'] === undefined || typeof p['sid'] === 'string') &&
    (p['email'] === undefined || typeof p['email'] === 'string')
  );
}

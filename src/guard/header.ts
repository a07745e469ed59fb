import type { JWSHeaderParameters } from 'jose';
import { GuardError } from './errors.ts';

/**
 * Header parameters that would let the token choose its own verification key. A verifier that
 * follows any of them accepts tokens signed by whoever wrote the header, so their mere presence
 * marks the token as hostile: Gatehouse never emits them.
 */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/** Key ids are opaque, short strings; the cap stops huge headers reaching the key lookup. */
const MAX_KID_LENGTH = 256;

/** RFC 9068 §4: `typ` is `at+jwt`, compared case-insensitively, `application/` prefix optional. */
export function isAccessTokenTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const normalized = typ.toLowerCase();
  return normalized === 'at+jwt' || normalized === 'application/at+jwt';
}

/**
 * Checks run on the (still unauthenticated) header before any key is looked up, so hostile or
 * wrong-kind tokens — an ID token, say — never cause a JWKS refetch.
 */
export function assertAcceptableHeader(header: JWSHeaderParameters): void {
  for (const name of KEY_CARRYING_HEADERS) {
    if (Object.hasOwn(header, name)) throw new GuardError('invalid_token', 'forbidden_header');
  }
  if (!isAccessTokenTyp(header.typ)) throw new GuardError('invalid_token', 'wrong_typ');
  const { kid } = header;
  // Gatehouse always names its key; without a kid a multi-key set would be ambiguous.
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new GuardError('invalid_token', 'bad_kid');
  }
}

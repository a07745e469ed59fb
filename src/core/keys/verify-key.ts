/**
 * A jose key resolver over the ring: the verification key comes only from our own published
 * keys, looked up by kid, never from the token (no `jwk`, `jku`, `x5u` or `x5c` header is honoured).
 */
import { errors, type JWTVerifyGetKey } from 'jose';
import type { SigningKeyRing } from './key-ring.ts';

export function ringKeyResolver(ring: Pick<SigningKeyRing, 'publicKeyFor'>): JWTVerifyGetKey {
  return async (header) => {
    if (typeof header.kid !== 'string') throw new errors.JWSInvalid('token has no kid');
    const found = await ring.publicKeyFor(header.kid);
    // The key's own alg must match the header's: a key is never used with another algorithm.
    if (!found || found.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return found.key;
  };
}

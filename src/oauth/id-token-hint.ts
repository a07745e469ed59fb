import { compactVerify, decodeJwt } from 'jose';
import type { Core } from '../core/context.ts';
import { ringKeyResolver } from '../core/keys/verify-key.ts';

export interface IdTokenHint {
  sub: string;
  aud: string[];
  sid: string | null;
}

/**
 * An ID token we issued, checked for signature and issuer only: hints are routinely expired
 * (OIDC Core §3.1.2.1, RP-Initiated Logout §2), so `exp` is deliberately not enforced.
 */
export async function verifyIdTokenHint(core: Core, token: string): Promise<IdTokenHint | null> {
  try {
    const algorithms = await core.keys.algorithms();
    const { protectedHeader } = await compactVerify(token, ringKeyResolver(core.keys), { algorithms });
    if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') return null;
    const claims = decodeJwt(token);
    if (claims.iss !== core.config.issuer || typeof claims.sub !== 'string') return null;
    const aud = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
    return { sub: claims.sub, aud, sid: typeof claims['sid'] === 'string' ? claims['sid'] : null };
  } catch {
    return null;
  }
}

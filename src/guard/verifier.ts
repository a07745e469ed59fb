import { jwtVerify } from 'jose';
import { type Clock, systemClock } from '../core/clock.ts';
import { type AccessTokenClaims, REQUIRED_CLAIMS, toAccessTokenClaims } from './claims.ts';
import { GuardError } from './errors.ts';
import { assertAcceptableHeader } from './header.ts';
import { IssuerKeyStore } from './key-store.ts';

/** Asymmetric signature algorithms a verifier may be configured with. `none` and HS* never. */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type SignatureAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export const DEFAULT_ALGORITHMS: readonly SignatureAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

export interface VerifierOptions {
  /** The Gatehouse issuer URL, exactly as it appears in tokens' `iss` and in discovery. */
  issuer: string;
  /** This API's identifier; the token's `aud` must contain (one of) it. */
  audience: string | readonly string[];
  algorithms?: readonly SignatureAlgorithm[];
  /** For tests and custom agents; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** For tests; drives token expiry checks and key-cache timing. */
  clock?: Clock;
  /** Allowed clock skew for `exp`/`nbf`, seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Bound on fetching discovery + JWKS, ms. Default 5000. */
  timeoutMs?: number;
  /** Keys are refreshed after this long, ms. Default 10 minutes. */
  cacheMaxAgeMs?: number;
  /** Least time between refreshes caused by an unknown `kid`, ms. Default 60 000. */
  cooldownMs?: number;
}

export interface Verifier {
  /** Resolves with the verified claims, or rejects with a GuardError. Never resolves for a bad token. */
  verify(token: string): Promise<AccessTokenClaims>;
}

/** Real access tokens are a few KB at most; refusing huge input early keeps parsing cheap. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export function createVerifier(options: VerifierOptions): Verifier {
  const issuer = requireHttpUrl(options.issuer);
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  if (audience.length === 0) throw new TypeError('createVerifier: audience is required');
  const algorithms = checkAlgorithms(options.algorithms ?? DEFAULT_ALGORITHMS);
  const clock = options.clock ?? systemClock;
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const keys = new IssuerKeyStore({
    issuer,
    // Resolved per call so a fetch patched in later (tests, instrumentation) is honoured.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    clock,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAgeMs: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownMs: options.cooldownMs ?? 60_000,
  });

  return {
    async verify(token: string): Promise<AccessTokenClaims> {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new GuardError('invalid_token', 'malformed');
      }
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            assertAcceptableHeader(header);
            return keys.keyFor(header);
          },
          {
            algorithms: [...algorithms],
            issuer,
            audience,
            typ: 'at+jwt',
            requiredClaims: [...REQUIRED_CLAIMS],
            currentDate: new Date(clock.now()),
            clockTolerance,
          },
        );
        return toAccessTokenClaims(payload);
      } catch (error) {
        if (error instanceof GuardError) throw error;
        const reason = error instanceof Error && 'code' in error ? String(error.code) : 'malformed';
        throw new GuardError('invalid_token', reason);
      }
    },
  };
}

function checkAlgorithms(algorithms: readonly string[]): readonly SignatureAlgorithm[] {
  if (algorithms.length === 0) throw new TypeError('createVerifier: algorithms must not be empty');
  for (const alg of algorithms) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      // Misconfiguration (e.g. 'none', 'HS256') must stop startup, not weaken verification.
      throw new TypeError(`createVerifier: unsupported algorithm ${JSON.stringify(alg)}`);
    }
  }
  return algorithms as readonly SignatureAlgorithm[];
}

function requireHttpUrl(value: string): string {
  const url = typeof value === 'string' ? URL.parse(value) : null;
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new TypeError('createVerifier: issuer must be an http(s) URL');
  }
  return value;
}

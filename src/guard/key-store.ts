import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import type { Clock } from '../core/clock.ts';
import { GuardError } from './errors.ts';
import { fetchJsonObject } from './fetch-json.ts';

export interface KeyStoreOptions {
  issuer: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Bound on one whole refresh (discovery + JWKS), so verification fails closed quickly. */
  timeoutMs: number;
  /** Least time between refreshes triggered by an unknown `kid` (unauthenticated input). */
  cooldownMs: number;
  /** Keys older than this are refreshed before use; if that refresh fails, verification fails. */
  maxAgeMs: number;
}

type KeyLookup = ReturnType<typeof createLocalJWKSet>;

/**
 * The issuer's signing keys, found through OIDC discovery and cached. Built on jose's local key
 * set (which does key selection and import) with our own fetching, so refresh timing follows the
 * injected clock and the discovery `issuer` can be checked.
 */
export class IssuerKeyStore {
  readonly #options: KeyStoreOptions;
  #keys: KeyLookup | undefined;
  #loadedAt = 0;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #jwksUri: string | undefined;
  #loading: Promise<void> | undefined;

  constructor(options: KeyStoreOptions) {
    this.#options = options;
  }

  /** The public key for this header, or GuardError `invalid_token` / `jwks_unavailable`. */
  async keyFor(header: JWSHeaderParameters): ReturnType<KeyLookup> {
    const { clock, maxAgeMs, cooldownMs } = this.#options;
    if (this.#keys === undefined || clock.now() - this.#loadedAt >= maxAgeMs) await this.#refresh(true);
    try {
      return await this.#lookup(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw asInvalid(error);
    }
    // An unknown kid may mean the issuer rotated keys — or an attacker making up kids. Refetch,
    // but only once per cooldown, whoever asks; callers arriving mid-refetch wait for it.
    if (this.#loading === undefined && clock.now() - this.#lastAttemptAt < cooldownMs) {
      throw new GuardError('invalid_token', 'unknown_kid');
    }
    await this.#refresh(false);
    try {
      return await this.#lookup(header);
    } catch (error) {
      throw asInvalid(error);
    }
  }

  #lookup(header: JWSHeaderParameters): ReturnType<KeyLookup> {
    if (this.#keys === undefined) throw new GuardError('jwks_unavailable', 'no_keys');
    return this.#keys(header);
  }

  /** Concurrent callers share one in-flight refresh. */
  #refresh(rediscover: boolean): Promise<void> {
    this.#loading ??= this.#load(rediscover).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(rediscover: boolean): Promise<void> {
    const { clock, timeoutMs } = this.#options;
    this.#lastAttemptAt = clock.now();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (rediscover || this.#jwksUri === undefined) this.#jwksUri = await this.#discover(signal);
      const jwks = await fetchJsonObject(this.#options.fetch, this.#jwksUri, signal);
      this.#keys = createLocalJWKSet(publicSigningKeySet(jwks));
      this.#loadedAt = clock.now();
    } catch (error) {
      if (error instanceof GuardError) throw error;
      throw new GuardError('jwks_unavailable', reasonOf(error));
    }
  }

  async #discover(signal: AbortSignal): Promise<string> {
    const { issuer } = this.#options;
    // OIDC Discovery §4: drop a trailing slash before appending the well-known path.
    const url = issuer.replace(/\/$/, '') + '/.well-known/openid-configuration';
    const metadata = await fetchJsonObject(this.#options.fetch, url, signal);
    // OIDC Discovery §4.3: the document must name exactly the issuer we trust, or it describes
    // someone else and its keys are not ours to trust.
    if (metadata['issuer'] !== issuer) throw new GuardError('jwks_unavailable', 'issuer_mismatch');
    const jwksUri = metadata['jwks_uri'];
    if (typeof jwksUri !== 'string' || !isAcceptableJwksUri(jwksUri, issuer)) {
      throw new GuardError('jwks_unavailable', 'bad_jwks_uri');
    }
    return jwksUri;
  }
}

/** https always; plain http only when the issuer itself is http (local development). */
function isAcceptableJwksUri(jwksUri: string, issuer: string): boolean {
  const url = URL.parse(jwksUri);
  if (url === null) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && issuer.startsWith('http:');
}

/** Drops symmetric keys outright: a published `oct` key would be a shared secret, never ours. */
function publicSigningKeySet(jwks: Record<string, unknown>): JSONWebKeySet {
  const { keys } = jwks;
  if (!Array.isArray(keys)) throw new GuardError('jwks_unavailable', 'jwks_malformed');
  const usable = keys.filter(
    (key): key is JSONWebKeySet['keys'][number] =>
      typeof key === 'object' && key !== null && (key as { kty?: unknown }).kty !== 'oct',
  );
  return { keys: usable };
}

function asInvalid(error: unknown): GuardError {
  if (error instanceof GuardError) return error;
  return new GuardError('invalid_token', reasonOf(error));
}

/** A log-safe reason: jose's error code or the error's name — never a message with data in it. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JOSEError) return error.code;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    if (error instanceof SyntaxError) return 'malformed_json';
    return 'fetch_failed';
  }
  return 'unknown';
}

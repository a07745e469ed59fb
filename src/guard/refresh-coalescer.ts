import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.ts';

/**
 * Gatehouse rotates refresh tokens and treats a spent one presented again as theft: the whole
 * session is revoked (RFC 9700 §4.14). A page firing several requests just as the access token
 * expires would send the same refresh token several times and sign the user out. So refreshes
 * of one token share one grant, and its result is remembered for a short grace period for the
 * requests that were already in flight with the old cookie.
 *
 * This is per process. Behind a load balancer, concurrent refreshes of one session can reach two
 * instances; use sticky sessions, or accept that such a race ends the session (the user signs in
 * again) — it never lets anyone in.
 */
export class RefreshCoalescer<T> {
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { promise: Promise<T>; settledAt: number | undefined }>();

  constructor(clock: Clock, graceMs = 5_000, maxEntries = 10_000) {
    this.#clock = clock;
    this.#graceMs = graceMs;
    this.#maxEntries = maxEntries;
  }

  /** Runs `grant` once per refresh token; rejections are not remembered, so the next call retries. */
  run(refreshToken: string, grant: () => Promise<T>): Promise<T> {
    this.#prune();
    const key = keyOf(refreshToken);
    const existing = this.#entries.get(key);
    if (existing !== undefined) return existing.promise;
    const entry: { promise: Promise<T>; settledAt: number | undefined } = {
      promise: grant(),
      settledAt: undefined,
    };
    entry.promise.then(
      () => {
        entry.settledAt = this.#clock.now();
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    this.#entries.set(key, entry);
    return entry.promise;
  }

  /** After logout the old token's result must not be handed out again. */
  forget(refreshToken: string): void {
    this.#entries.delete(keyOf(refreshToken));
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) {
      if (entry.settledAt !== undefined && now - entry.settledAt >= this.#graceMs) this.#entries.delete(key);
    }
    // Bounded memory whatever the traffic: drop the oldest (Map keeps insertion order).
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

/** The map is keyed by a hash so a heap dump of the cache doesn't list live refresh tokens as keys. */
function keyOf(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url');
}

import type { CryptoKey } from 'jose';

/**
 * Imported keys by kid. Holds the promise, so concurrent first uses share one import (and one
 * decryption of a private key); a failed import is forgotten and retried on the next use.
 */
export class KeyCache {
  readonly #keys = new Map<string, Promise<CryptoKey>>();

  get(kid: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> {
    let pending = this.#keys.get(kid);
    if (!pending) {
      pending = make();
      this.#keys.set(kid, pending);
      pending.catch(() => this.#keys.delete(kid));
    }
    return pending;
  }

  /** Drops keys that are no longer in the store. */
  retain(liveKids: ReadonlySet<string>): void {
    for (const kid of this.#keys.keys()) if (!liveKids.has(kid)) this.#keys.delete(kid);
  }
}

/** Shared set-up for the key tests: a real SQLite store, a manual clock, a fresh master key. */
import { randomBytes } from 'node:crypto';
import type { SigningAlg } from '../../src/config/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { SigningKeyRing, type SigningKeyRingOptions } from '../../src/core/keys/key-ring.ts';
import type { Store } from '../../src/storage/port.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';

export const DAY_MS = 86_400_000;
export const MAX_TTL_S = 3600;

export interface Fixture {
  store: Store;
  clock: ManualClock;
  masterKey: Uint8Array;
  ring: SigningKeyRing;
  makeRing(overrides?: Partial<SigningKeyRingOptions>): SigningKeyRing;
}

export async function fixture(alg: SigningAlg = 'RS256', rotationDays = 0, store?: Store): Promise<Fixture> {
  const s = store ?? (await openSqliteStore(':memory:'));
  const clock = new ManualClock();
  const masterKey = new Uint8Array(randomBytes(32));
  const makeRing = (overrides: Partial<SigningKeyRingOptions> = {}) =>
    new SigningKeyRing({
      store: s,
      masterKey,
      alg,
      clock,
      rotationDays,
      maxTokenTtlSeconds: MAX_TTL_S,
      ...overrides,
    });
  return { store: s, clock, masterKey, ring: makeRing(), makeRing };
}

export async function jwksKids(ring: SigningKeyRing): Promise<string[]> {
  return (await ring.jwks()).keys.map((k) => k.kid ?? '');
}

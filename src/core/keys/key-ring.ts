/**
 * The signing key ring. Contract: the next key is published before it signs, and a retired key
 * stays published until every token it signed has expired. States come from the stored records
 * (ring-state.ts); this class adds caching, start-up repair and rotation.
 *
 * Ring state is cached and reloaded from the store at most once a minute, so several processes
 * (or Lambdas) converge within a minute; each process also checks for scheduled rotation and
 * expired keys at that moment, so the check costs one `listSigningKeys` a minute.
 */
import type { CryptoKey, JWK } from 'jose';
import type { SigningAlg } from '../../config/config.ts';
import type { KeyStore, SigningKeyRecord } from '../../storage/port.ts';
import { type Clock, cryptoRandom, type RandomSource } from '../clock.ts';
import { GatehouseError } from '../errors.ts';
import { KeyCache } from './key-cache.ts';
import { deriveRingState, type RingState, rotationDue } from './ring-state.ts';
import { generateSigningKey, importPrivateKey, importPublicKey, parsePublicJwk } from './signing-key.ts';

/** How long a process trusts its cached view of the ring. */
export const RING_REFRESH_MS = 60_000;
/**
 * Added to a retired key's lifetime: another process may keep signing with it until its cache
 * refreshes (≤ RING_REFRESH_MS), plus a minute of clock skew between hosts.
 */
export const RETIRE_GRACE_MS = 2 * RING_REFRESH_MS;
const DAY_MS = 86_400_000;
const UNKNOWN_KID_RELOAD_MS = 10_000;

export interface SigningKeyRingOptions {
  store: KeyStore;
  masterKey: Uint8Array;
  alg: SigningAlg;
  clock: Clock;
  random?: RandomSource;
  /** Scheduled rotation period; 0 rotates only on `rotate()`. */
  rotationDays: number;
  /** The longest lifetime of any token the ring signs (access or ID token). */
  maxTokenTtlSeconds: number;
}

export interface ActiveSigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
}

export interface RotationResult {
  /** The key this call retired; null when a concurrent rotation got there first. */
  retiredKid: string | null;
  currentKid: string;
  nextKid: string | null;
}

export class SigningKeyRing {
  readonly #o: Required<SigningKeyRingOptions>;
  #records: SigningKeyRecord[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;
  #init: Promise<void> | null = null;
  #refreshing: Promise<void> | null = null;
  #unknownKidReloadAt = Number.NEGATIVE_INFINITY;
  #lastCreatedAt = Number.NEGATIVE_INFINITY;
  readonly #privateKeys = new KeyCache();
  readonly #publicKeys = new KeyCache();

  constructor(options: SigningKeyRingOptions) {
    this.#o = { ...options, random: options.random ?? cryptoRandom };
  }

  /**
   * Start-up: create missing keys, follow a change of the configured alg, rotate when due, clean
   * up. Runs by itself on first use when the caller did not call it.
   */
  ensureReady(): Promise<void> {
    this.#init = this.#startup().catch((error: unknown) => {
      this.#init = null; // retried on the next use
      throw error;
    });
    return this.#init;
  }

  async #startup(): Promise<void> {
    await this.#load();
    const now = this.#o.clock.now();
    const { unretired } = this.#state(now);
    const fitting = unretired.filter((k) => k.alg === this.#o.alg);
    // A new alg signs at once (the operator asked for it); keys of the old alg retire normally.
    const toRetire = [...unretired.filter((k) => k.alg !== this.#o.alg), ...fitting.slice(2)];
    let changed = false;
    while (fitting.length < 2) {
      fitting.push(await this.#createKey(now));
      changed = true;
    }
    for (const key of toRetire) {
      await this.#o.store.retireSigningKey(key.kid, now, this.#expiryFor(now));
      changed = true;
    }
    if (changed) await this.#load();
    await this.#maintain();
  }

  /**
   * current → retired, next → current, a new next. It retires the key this ring sees as current
   * (no reload first): when another process rotates at the same moment, only one of the two
   * conditional retirements succeeds, so the pair rotates once, not twice.
   */
  async rotate(): Promise<RotationResult> {
    await this.#ready();
    return this.#rotateNow();
  }

  async currentSigningKey(): Promise<ActiveSigningKey> {
    const { current } = await this.#freshState();
    if (!current) throw new GatehouseError('no_signing_key', 'the key ring has no current signing key');
    const privateKey = await this.#privateKeys.get(current.kid, () =>
      importPrivateKey(current, this.#o.masterKey),
    );
    return { kid: current.kid, alg: current.alg, privateKey };
  }

  /** Public keys of next, current and retired-but-unexpired keys; never a private member. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const { published } = await this.#freshState();
    const byKid = new Map(published.map((record) => [record.kid, record]));
    return { keys: [...byKid.values()].map(parsePublicJwk) };
  }

  /** The published key `kid` with its alg, or null (unknown, gone, or not ours). */
  async publicKeyFor(kid: string): Promise<{ alg: string; key: CryptoKey } | null> {
    let record = (await this.#freshState()).published.find((k) => k.kid === kid);
    const now = this.#o.clock.now();
    if (!record && now - this.#unknownKidReloadAt >= UNKNOWN_KID_RELOAD_MS) {
      // Another process may have just made a key (alg change); a rate-limited reload finds it
      // without letting random kids turn every request into a store read.
      this.#unknownKidReloadAt = now;
      await this.#load();
      record = this.#state(now).published.find((k) => k.kid === kid);
    }
    if (!record) return null;
    const found = record;
    return { alg: found.alg, key: await this.#publicKeys.get(found.kid, () => importPublicKey(found)) };
  }

  /** The algorithms of the published keys: the allowlist for verifying our own tokens. */
  async algorithms(): Promise<string[]> {
    const { published } = await this.#freshState();
    return [...new Set(published.map((k) => k.alg))];
  }

  async #rotateNow(): Promise<RotationResult> {
    const now = this.#o.clock.now();
    let { current, next } = this.#state(now);
    if (!current) throw new GatehouseError('no_signing_key', 'the key ring has no current signing key');
    if (!next) {
      // Only when the next key went missing: the successor cannot be pre-published this time.
      next = await this.#createKey(now);
    }
    const won = await this.#o.store.retireSigningKey(current.kid, now, this.#expiryFor(now));
    if (won) {
      await this.#createKey(now);
    }
    await this.#load();
    const after = this.#state(this.#o.clock.now());
    if (!after.current) throw new GatehouseError('no_signing_key', 'rotation left no current signing key');
    return {
      retiredKid: won ? current.kid : null,
      currentKid: after.current.kid,
      nextKid: after.next?.kid ?? null,
    };
  }

  /** Deletes gone keys and performs a scheduled rotation when due. */
  async #maintain(): Promise<void> {
    const now = this.#o.clock.now();
    const state = this.#state(now);
    for (const key of state.gone) await this.#o.store.deleteSigningKey(key.kid);
    if (state.gone.length > 0) await this.#load();
    if (rotationDue(this.#state(now), now, this.#o.rotationDays * DAY_MS)) await this.#rotateNow();
  }

  /**
   * A new key, created strictly after every key this ring knows of, so that the promotion order
   * never hangs on a same-millisecond tie (a rotation's new next must queue behind the old next).
   */
  async #createKey(now: number): Promise<SigningKeyRecord> {
    const createdAt = Math.max(now, this.#lastCreatedAt + 1, ...this.#records.map((k) => k.createdAt + 1));
    const record = await generateSigningKey(this.#o.alg, this.#o.masterKey, this.#o.random, {
      createdAt,
      activatesAt: now,
    });
    await this.#o.store.putSigningKey(record);
    this.#lastCreatedAt = createdAt;
    return record;
  }

  #expiryFor(retiredAt: number): number {
    return retiredAt + this.#o.maxTokenTtlSeconds * 1000 + RETIRE_GRACE_MS;
  }

  #state(now: number): RingState {
    return deriveRingState(this.#records, now);
  }

  async #load(): Promise<void> {
    this.#records = await this.#o.store.listSigningKeys();
    this.#loadedAt = this.#o.clock.now();
    const live = new Set(this.#records.map((k) => k.kid));
    this.#privateKeys.retain(live);
    this.#publicKeys.retain(live);
  }

  #ready(): Promise<void> {
    return this.#init ?? this.ensureReady();
  }

  async #freshState(): Promise<RingState> {
    await this.#ready();
    if (this.#o.clock.now() - this.#loadedAt >= RING_REFRESH_MS) {
      // Concurrent callers share one reload.
      this.#refreshing ??= this.#load()
        .then(() => this.#maintain())
        .finally(() => {
          this.#refreshing = null;
        });
      await this.#refreshing;
    }
    return this.#state(this.#o.clock.now());
  }
}

/**
 * The key ring's states, derived from the stored records and the time alone, so every process
 * reading the same rows agrees on which key signs without any extra coordination.
 *
 * - current: the oldest unretired key (by createdAt, activatesAt, kid), once its activatesAt is past;
 * - next:    the following unretired key: published, not yet promoted; it takes over when the
 *            current one is retired, so it has been in the JWKS since before it signs;
 * - surplus: further unretired keys (only left behind by two processes' concurrent first start);
 * - retired: retiredAt set, published until expiresAt (every token it signed has expired);
 * - gone:    past expiresAt; never published, deleted by the ring.
 */
import type { SigningKeyRecord } from '../../storage/port.ts';

export interface RingState {
  current: SigningKeyRecord | null;
  next: SigningKeyRecord | null;
  surplus: SigningKeyRecord[];
  retired: SigningKeyRecord[];
  gone: SigningKeyRecord[];
  /** Unretired keys in promotion order: [current, next, ...surplus]. */
  unretired: SigningKeyRecord[];
  /** What the JWKS shows: current, next, surplus, then retired-but-unexpired keys. */
  published: SigningKeyRecord[];
}

/** Oldest first. The ring makes createdAt strictly increasing; kid only breaks cross-process ties. */
function promotionOrder(a: SigningKeyRecord, b: SigningKeyRecord): number {
  return (
    a.createdAt - b.createdAt || a.activatesAt - b.activatesAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0)
  );
}

export function deriveRingState(records: readonly SigningKeyRecord[], now: number): RingState {
  const gone: SigningKeyRecord[] = [];
  const retired: SigningKeyRecord[] = [];
  const unretired: SigningKeyRecord[] = [];
  for (const record of records) {
    if (record.expiresAt !== null && record.expiresAt <= now) gone.push(record);
    else if (record.retiredAt !== null) retired.push(record);
    else unretired.push(record);
  }
  unretired.sort(promotionOrder);
  retired.sort((a, b) => (b.retiredAt ?? 0) - (a.retiredAt ?? 0));
  const first = unretired[0];
  const current = first !== undefined && first.activatesAt <= now ? first : null;
  const rest = current ? unretired.slice(1) : unretired;
  const next = rest[0] ?? null;
  return {
    current,
    next,
    surplus: rest.slice(1),
    retired,
    gone,
    unretired,
    published: [...unretired, ...retired],
  };
}

/**
 * Scheduled rotation is due once the current key has signed for `rotationMs`. It started signing
 * when the present next key was made (first start and every rotation create the next key at that
 * moment), which needs no extra column and survives the old key's deletion.
 */
export function rotationDue(state: RingState, now: number, rotationMs: number): boolean {
  if (rotationMs <= 0 || !state.current || !state.next) return false;
  return now >= state.next.createdAt + rotationMs;
}

import type { Core } from '../context.ts';
import type { Failure } from '../errors.ts';
import { fail } from '../errors.ts';

/**
 * Failure throttling kept in the store, so it holds across processes and Lambda instances.
 * Each key has free failures; past them every further attempt must wait an exponentially
 * growing delay after the last failure (the slow-down), and attempts inside that delay get 429
 * with Retry-After. Failures are forgotten after the window: never a permanent lockout.
 */
export interface ThrottleRule {
  readonly freeFailures: number;
  readonly windowMs: number;
  readonly maxDelayMs: number;
}

export const EMAIL_RULE: ThrottleRule = { freeFailures: 5, windowMs: 15 * 60_000, maxDelayMs: 15 * 60_000 };
export const IP_RULE: ThrottleRule = { freeFailures: 50, windowMs: 15 * 60_000, maxDelayMs: 15 * 60_000 };

export interface ThrottleKey {
  readonly key: string;
  readonly rule: ThrottleRule;
  /**
   * Counted when the attempt starts rather than when it fails (see startAttempt). Only for keys a
   * success clears (the email's): a success cannot un-count an attempt otherwise.
   */
  readonly upfront?: boolean;
}

export function signInThrottleKeys(email: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `email:${email}`, rule: EMAIL_RULE, upfront: true }];
  if (ip !== null) keys.push({ key: `ip:${ip}`, rule: IP_RULE });
  return keys;
}

function delayAfter(failures: number, rule: ThrottleRule): number {
  const over = failures - rule.freeFailures;
  if (over < 0) return 0;
  return Math.min(1000 * 2 ** over, rule.maxDelayMs);
}

/** A 429 failure when any key is in its delay, else null. */
export async function checkThrottle(
  core: Core,
  keys: ThrottleKey[],
): Promise<Failure<'too_many_attempts'> | null> {
  return (await inspect(core, keys)).failure;
}

/**
 * Admits an attempt or answers 429. Past the check, the attempt is counted at once against the
 * `upfront` keys, and the count that one atomic write returns is its place in line: when several
 * attempts passed the check together (a parallel burst), only those the rule still allows go on
 * to the password check; the rest get 429. Checking and counting only after the slow password
 * check would let any number of simultaneous guesses through one open check.
 */
export async function startAttempt(
  core: Core,
  keys: ThrottleKey[],
): Promise<Failure<'too_many_attempts'> | null> {
  const { failure, seen } = await inspect(core, keys);
  if (failure !== null) return failure;
  const now = core.clock.now();
  let waitMs = 0;
  for (const { key, rule, upfront } of keys) {
    if (upfront !== true) continue;
    const { failures } = await core.store.recordFailure(key, now, rule.windowMs);
    // Within the free failures, or the first attempt counted since the check saw the delay pass.
    if (failures > rule.freeFailures && failures > (seen.get(key) ?? 0) + 1) {
      waitMs = Math.max(waitMs, delayAfter(failures, rule));
    }
  }
  if (waitMs <= 0) return null;
  return fail('too_many_attempts', 'too many failed attempts; try again later', Math.ceil(waitMs / 1000));
}

async function inspect(
  core: Core,
  keys: ThrottleKey[],
): Promise<{ failure: Failure<'too_many_attempts'> | null; seen: Map<string, number> }> {
  const now = core.clock.now();
  const seen = new Map<string, number>();
  let waitMs = 0;
  for (const { key, rule } of keys) {
    const state = await core.store.getThrottle(key, now, rule.windowMs);
    if (state === null) continue;
    seen.set(key, state.failures);
    const until = state.lastFailureAt + delayAfter(state.failures, rule);
    waitMs = Math.max(waitMs, until - now);
  }
  if (waitMs <= 0) return { failure: null, seen };
  return {
    failure: fail('too_many_attempts', 'too many failed attempts; try again later', Math.ceil(waitMs / 1000)),
    seen,
  };
}

/** Counts a failure against the keys startAttempt did not already count. */
export async function recordThrottleFailure(core: Core, keys: ThrottleKey[]): Promise<void> {
  const now = core.clock.now();
  await Promise.all(
    keys
      .filter(({ upfront }) => upfront !== true)
      .map(({ key, rule }) => core.store.recordFailure(key, now, rule.windowMs)),
  );
}

export async function clearThrottle(core: Core, key: ThrottleKey): Promise<void> {
  await core.store.clearThrottle(key.key);
}

import type { BrowserSessionRecord } from '../../storage/port.ts';
import type { Core } from '../context.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens/refresh-token.ts';

/** Idle and absolute limits of a hosted-pages sign-in (ASVS 5 §7.3). */
export const BROWSER_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const BROWSER_SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** Touch the idle expiry at most this often, so reads don't each cost a write. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface StartedBrowserSession {
  /** The cookie value; only its hash is stored. */
  cookieValue: string;
  record: BrowserSessionRecord;
}

/** A new session id for every sign-in: the previous one (if any) is revoked, so no fixation. */
export async function startBrowserSession(
  core: Core,
  input: { userId: string; amr: string[]; previousCookieValue?: string | undefined },
): Promise<StartedBrowserSession> {
  const now = core.clock.now();
  if (input.previousCookieValue !== undefined) {
    await core.store.revokeBrowserSession(hashOpaqueToken(input.previousCookieValue), now);
  }
  const cookieValue = generateOpaqueToken('ghs_', core.random);
  const record: BrowserSessionRecord = {
    hash: hashOpaqueToken(cookieValue),
    userId: input.userId,
    authTime: now,
    amr: input.amr,
    createdAt: now,
    idleExpiresAt: now + BROWSER_SESSION_IDLE_MS,
    expiresAt: now + BROWSER_SESSION_ABSOLUTE_MS,
    revokedAt: null,
  };
  await core.store.createBrowserSession(record);
  return { cookieValue, record };
}

/** The live session behind a cookie value, sliding its idle expiry; null when dead or unknown. */
export async function resumeBrowserSession(
  core: Core,
  cookieValue: string,
): Promise<BrowserSessionRecord | null> {
  if (!cookieValue.startsWith('ghs_') || cookieValue.length > 100) return null;
  const now = core.clock.now();
  const record = await core.store.getBrowserSession(hashOpaqueToken(cookieValue));
  if (
    record === null ||
    record.revokedAt !== null ||
    record.expiresAt <= now ||
    record.idleExpiresAt <= now
  ) {
    return null;
  }
  const user = await core.store.getUserById(record.userId);
  if (user === null || user.disabled) return null;
  const idleExpiresAt = Math.min(now + BROWSER_SESSION_IDLE_MS, record.expiresAt);
  if (idleExpiresAt - record.idleExpiresAt >= TOUCH_EVERY_MS) {
    await core.store.touchBrowserSession(record.hash, idleExpiresAt);
    return { ...record, idleExpiresAt };
  }
  return record;
}

export async function endBrowserSession(core: Core, cookieValue: string): Promise<void> {
  await core.store.revokeBrowserSession(hashOpaqueToken(cookieValue), core.clock.now());
}

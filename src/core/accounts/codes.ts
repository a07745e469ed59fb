import { createHmac } from 'node:crypto';
import type { RandomSource } from '../clock.ts';
import type { Core } from '../context.ts';

export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_ATTEMPTS = 5;

export type CodePurpose = 'signup' | 'reset';

/** Six uniformly random digits (rejection sampling avoids modulo bias). */
export function generateCode(random: RandomSource): string {
  const limit = 4_294_000_000; // largest multiple of 1e6 below 2^32
  for (;;) {
    const bytes = random.bytes(4);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if (value < limit) return String(value % 1_000_000).padStart(6, '0');
  }
}

function codeKey(purpose: CodePurpose, subject: string): string {
  return `${purpose}:${subject}`;
}

function hashCode(core: Core, key: string, code: string): string {
  return createHmac('sha256', core.codeKey).update(`${key}\0${code}`).digest('base64url');
}

/**
 * Codes a subject may be sent per hour and purpose. Each new code brings fresh tries, so without
 * this cap a code could be guessed across many resends, and the mailbox flooded.
 */
export const CODES_PER_HOUR = 5;

/**
 * Issues a fresh code for the subject, voiding any older one; returns it for mailing only, or
 * null when the hourly cap is reached (the caller then sends nothing and answers as usual).
 */
export async function issueCode(core: Core, purpose: CodePurpose, subject: string): Promise<string | null> {
  const issued = await core.store.recordFailure(
    `codes:${purpose}:${subject}`,
    core.clock.now(),
    60 * 60 * 1000,
  );
  if (issued.failures > CODES_PER_HOUR) {
    core.logger.log('warn', 'code_issue_capped', { audit: true, purpose });
    return null;
  }
  const code = generateCode(core.random);
  const key = codeKey(purpose, subject);
  await core.store.putCode({
    key,
    hash: hashCode(core, key, code),
    expiresAt: core.clock.now() + CODE_TTL_MS,
    attempts: 0,
  });
  return code;
}

/** True only for the live, matching code, which is spent by this call (one conditional write). */
export async function consumeCode(
  core: Core,
  purpose: CodePurpose,
  subject: string,
  code: string,
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const key = codeKey(purpose, subject);
  const result = await core.store.consumeCode(
    key,
    hashCode(core, key, code),
    core.clock.now(),
    CODE_MAX_ATTEMPTS,
  );
  return result === 'consumed';
}

import type { DatabaseSync } from 'node:sqlite';
import type { ThrottleStore } from '../port.ts';
import { mapOrNull, toThrottle } from './rows.ts';

/** Throttle rows idle this long are dropped by deleteExpired (longer than any throttle window). */
const THROTTLE_RETENTION_MS = 24 * 60 * 60 * 1000;

export function throttleMethods(db: DatabaseSync): ThrottleStore {
  const sql = {
    // A failure after a quiet spell longer than the window starts a new count.
    recordFailure: db.prepare(
      `INSERT INTO throttles (key, failures, last_failure_at) VALUES (:key, 1, :now)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN last_failure_at < :now - :window THEN 1 ELSE failures + 1 END,
         last_failure_at = max(last_failure_at, :now)
       RETURNING failures, last_failure_at`,
    ),
    getThrottle: db.prepare(
      'SELECT failures, last_failure_at FROM throttles WHERE key = ? AND last_failure_at >= ?',
    ),
    clearThrottle: db.prepare('DELETE FROM throttles WHERE key = ?'),
  };

  return {
    async recordFailure(key, now, windowMs) {
      return toThrottle(sql.recordFailure.get({ key, now, window: windowMs })!);
    },
    async getThrottle(key, now, windowMs) {
      return mapOrNull(sql.getThrottle.get(key, now - windowMs), toThrottle);
    },
    async clearThrottle(key) {
      sql.clearThrottle.run(key);
    },
  };
}

/** Drops throttle rows idle past the retention; deleteExpired runs it inside its transaction. */
export function throttleCleanup(db: DatabaseSync): (now: number) => void {
  const expireThrottles = db.prepare('DELETE FROM throttles WHERE last_failure_at < ?');
  return (now) => {
    expireThrottles.run(now - THROTTLE_RETENTION_MS);
  };
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Store } from '../port.ts';
import { browserSessionCleanup, browserSessionMethods } from './browser-sessions.ts';
import { codeCleanup, codeMethods } from './codes.ts';
import { consentMethods } from './consents.ts';
import { identityMethods } from './identities.ts';
import { keyCleanup, keyMethods } from './keys.ts';
import { migrate } from './migrations.ts';
import { oneTimeCleanup, oneTimeMethods } from './one-time.ts';
import { passkeyMethods } from './passkeys.ts';
import { sessionCleanup, sessionMethods } from './sessions.ts';
import { throttleCleanup, throttleMethods } from './throttle.ts';
import { immediate } from './transaction.ts';
import { userMethods } from './users.ts';

/**
 * The embedded adapter: one SQLite file (WAL) that several processes on one host may share.
 * node:sqlite is synchronous, so each method is atomic within this process; operations of more
 * than one statement take BEGIN IMMEDIATE so they also hold against other processes.
 *
 * consumeRefreshToken is purely about the token: a token whose session was revoked is still
 * `consumed` here. The core must check the session (revokedAt, expiresAt) before honouring it.
 * Likewise getBrowserSession returns the row whatever its state; the core checks it.
 *
 * Each concept (users.ts, codes.ts, sessions.ts, ...) prepares its own statements; this file
 * opens the database and composes them.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // busy_timeout first: switching to WAL and migrating may wait on another process's lock.
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA synchronous = NORMAL');
  migrate(db);

  // Run in this order, all in one transaction: codes, refresh tokens then sessions, throttles,
  // signing keys, one-time records, browser sessions.
  const cleanups = [
    codeCleanup(db),
    sessionCleanup(db),
    throttleCleanup(db),
    keyCleanup(db),
    oneTimeCleanup(db),
    browserSessionCleanup(db),
  ];

  return {
    ...userMethods(db),
    ...codeMethods(db),
    ...sessionMethods(db),
    ...keyMethods(db),
    ...throttleMethods(db),
    ...oneTimeMethods(db),
    ...browserSessionMethods(db),
    ...consentMethods(db),
    ...passkeyMethods(db),
    ...identityMethods(db),

    async deleteExpired(now) {
      immediate(db, () => {
        for (const cleanup of cleanups) cleanup(now);
      });
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

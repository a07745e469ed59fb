import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { migrations } from '../../src/storage/sqlite/migrations.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { browserSession, oneTime, refreshToken, runStoreConformance, session, user } from './conformance.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A database path in a fresh temp dir, under a subdirectory that does not exist yet. */
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
  dirs.push(dir);
  return join(dir, 'data', 'gatehouse.db');
}

runStoreConformance('sqlite (file)', () => openSqliteStore(freshPath()));
runStoreConformance('sqlite (:memory:)', () => openSqliteStore(':memory:'));

describe('sqlite store specifics', () => {
  it('applies migrations once, however often the file is opened', async () => {
    const path = freshPath();
    const first = await openSqliteStore(path);
    const u = user();
    await first.createUser(u);
    await first.close();

    const second = await openSqliteStore(path);
    assert.deepEqual(await second.getUserById(u.id), u);
    await second.close();

    const db = new DatabaseSync(path, { readOnly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    assert.deepEqual(
      versions.map((r) => r['version']),
      migrations.map((m) => m.version),
    );
  });

  it('migrates a database holding only version 1 to the latest version, keeping its rows', async () => {
    const path = freshPath();
    // Build the old schema by hand, as a release with only migration 1 left it.
    const v1 = migrations.find((m) => m.version === 1)!;
    mkdirSync(dirname(path), { recursive: true });
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
    );
    old.exec(v1.sql);
    old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (1, ?)').run(Date.now());
    const u = user();
    old
      .prepare(
        `INSERT INTO users (id, email, email_verified, name, password_hash, roles, disabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(u.id, u.email, 0, u.name, u.passwordHash, JSON.stringify(u.roles), 0, u.createdAt, u.updatedAt);
    const tablesBefore = old.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    old.close();
    assert.ok(!tablesBefore.some((t) => t['name'] === 'one_time'));

    const store = await openSqliteStore(path);
    try {
      assert.deepEqual(await store.getUserById(u.id), u);
      const r = oneTime();
      await store.putOneTime(r);
      const now = Date.now();
      assert.equal((await store.consumeOneTime(r.kind, r.id, now, 'n')).status, 'consumed');
      const b = browserSession(u.id);
      await store.createBrowserSession(b);
      assert.deepEqual(await store.getBrowserSession(b.hash), b);
      await store.putConsent(u.id, 'web', ['openid'], now);
      assert.deepEqual(await store.getConsent(u.id, 'web'), ['openid']);
    } finally {
      await store.close();
    }

    const db = new DatabaseSync(path, { readOnly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    assert.deepEqual(
      versions.map((r) => r['version']),
      migrations.map((m) => m.version),
    );
  });

  it('runs the file in WAL mode', async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    await store.close();
    // journal_mode=WAL is persistent, so a plain connection sees it.
    const db = new DatabaseSync(path, { readOnly: true });
    const row = db.prepare('PRAGMA journal_mode').get();
    db.close();
    assert.equal(row?.['journal_mode'], 'wal');
  });

  it('lets exactly one of two handles on one file consume a refresh token', async () => {
    const path = freshPath();
    const a = await openSqliteStore(path);
    const b = await openSqliteStore(path);
    try {
      const u = user();
      await a.createUser(u);
      const s = session(u.id);
      await a.createSession(s);
      const t = refreshToken(s);
      await a.insertRefreshToken(t);
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consumeRefreshToken(t.hash, now)),
      );
      assert.equal(results.filter((r) => r.status === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 19);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lets exactly one of two handles on one file consume a one-time record', async () => {
    const path = freshPath();
    const a = await openSqliteStore(path);
    const b = await openSqliteStore(path);
    try {
      const r = oneTime();
      await a.putOneTime(r);
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consumeOneTime(r.kind, r.id, now, `c${i}`)),
      );
      const winners = results.filter((x) => x.status === 'consumed');
      assert.equal(winners.length, 1);
      const losers = results.filter((x) => x.status === 'reused');
      assert.equal(losers.length, 19);
      for (const l of losers) assert.equal(l.record.note, winners[0]!.record.note);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lets exactly one of several threads racing on one file consume a refresh token and a code', async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    const u = user();
    await store.createUser(u);
    const s = session(u.id);
    await store.createSession(s);
    const t = refreshToken(s);
    await store.insertRefreshToken(t);
    const codeKey = `signup:${u.email}`;
    await store.putCode({ key: codeKey, hash: 'right', expiresAt: Date.now() + 60_000, attempts: 0 });
    await store.close();

    // Each worker opens its own connection (as another process would) and waits for a shared
    // start signal, so the consumes genuinely overlap across threads.
    const moduleUrl = new URL('../../src/storage/sqlite/sqlite-store.ts', import.meta.url).href;
    const start = new Int32Array(new SharedArrayBuffer(4));
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.moduleUrl).then(async ({ openSqliteStore }) => {
        const store = await openSqliteStore(workerData.path);
        parentPort.postMessage('ready');
        Atomics.wait(workerData.start, 0, 0);
        const now = Date.now();
        const results = [];
        for (let i = 0; i < 5; i++) {
          results.push((await store.consumeRefreshToken(workerData.hash, now)).status);
          results.push(await store.consumeCode(workerData.codeKey, 'right', now, 5));
        }
        await store.close();
        parentPort.postMessage(results);
      });
    `;
    const workers = Array.from(
      { length: 4 },
      () => new Worker(source, { eval: true, workerData: { moduleUrl, path, hash: t.hash, codeKey, start } }),
    );
    // Each worker posts 'ready' then its results; an error in any worker fails the test.
    const inbox = workers.map((w) => {
      const queue: Promise<unknown>[] = [];
      const resolvers: ((m: unknown) => void)[] = [];
      for (let i = 0; i < 2; i++) queue.push(new Promise((resolve) => resolvers.push(resolve)));
      const failed = new Promise<never>((_, reject) => w.once('error', reject));
      w.on('message', (m) => resolvers.shift()?.(m));
      return () => Promise.race([queue.shift()!, failed]);
    });
    await Promise.all(inbox.map((next) => next()));
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const all = (await Promise.all(inbox.map((next) => next()))).flat() as string[];

    assert.equal(all.length, 40);
    assert.equal(all.filter((r) => r === 'consumed').length, 2, 'one token and one code');
    assert.equal(all.filter((r) => r === 'reused').length, 19);
    assert.equal(all.filter((r) => r === 'missing').length, 19);
  });
});

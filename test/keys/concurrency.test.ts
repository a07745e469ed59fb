import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deriveRingState } from '../../src/core/keys/ring-state.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { DAY_MS, fixture } from './ring-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SigningKeyRing across processes sharing one database', () => {
  it('two concurrent rotations leave exactly one current key', async () => {
    const path = join(dir, 'rotate.db');
    const storeA = await openSqliteStore(path);
    const storeB = await openSqliteStore(path);
    const a = await fixture('RS256', 0, storeA);
    // Same master key, same clock: two processes of one deployment.
    const b = a.makeRing({ store: storeB });
    await a.ring.ensureReady();
    await b.ensureReady();
    const before = await a.ring.currentSigningKey();

    const [ra, rb] = await Promise.all([a.ring.rotate(), b.rotate()]);
    const winners = [ra, rb].filter((r) => r.retiredKid !== null);
    assert.equal(winners.length, 1);
    assert.equal(winners[0]?.retiredKid, before.kid);

    const records = await storeA.listSigningKeys();
    const state = deriveRingState(records, a.clock.now());
    assert.equal(records.filter((k) => k.retiredAt !== null).length, 1);
    assert.equal(state.unretired.length, 2, 'one current and one next');
    assert.equal(state.surplus.length, 0);
    assert.equal((await a.ring.currentSigningKey()).kid, state.current?.kid);
    assert.equal((await b.currentSigningKey()).kid, state.current?.kid);
    await storeA.close();
    await storeB.close();
  });

  it('two processes finding a scheduled rotation due at once rotate once', async () => {
    const path = join(dir, 'scheduled.db');
    const storeA = await openSqliteStore(path);
    const storeB = await openSqliteStore(path);
    const a = await fixture('EdDSA', 7, storeA);
    const b = a.makeRing({ store: storeB });
    const first = await a.ring.currentSigningKey();
    await b.currentSigningKey();
    a.clock.advance(7 * DAY_MS + 1000);
    const [ka, kb] = await Promise.all([a.ring.currentSigningKey(), b.currentSigningKey()]);
    const records = await storeA.listSigningKeys();
    assert.equal(records.filter((k) => k.retiredAt !== null).length, 1);
    assert.equal(records.find((k) => k.retiredAt !== null)?.kid, first.kid);
    const state = deriveRingState(records, a.clock.now());
    assert.equal(state.unretired.length, 2);
    assert.equal(ka.kid, state.current?.kid);
    assert.equal(kb.kid, state.current?.kid);
    await storeA.close();
    await storeB.close();
  });

  it('two processes starting together converge on one current key', async () => {
    const path = join(dir, 'start.db');
    const storeA = await openSqliteStore(path);
    const storeB = await openSqliteStore(path);
    const a = await fixture('ES256', 0, storeA);
    const b = a.makeRing({ store: storeB });
    await Promise.all([a.ring.ensureReady(), b.ensureReady()]);
    // A later start (or the minute's refresh) tidies whatever the race left behind.
    await a.makeRing().ensureReady();
    const state = deriveRingState(await storeA.listSigningKeys(), a.clock.now());
    assert.ok(state.current);
    assert.equal(state.unretired.length, 2);
    assert.equal((await a.makeRing().currentSigningKey()).kid, state.current.kid);
    assert.equal((await a.makeRing({ store: storeB }).currentSigningKey()).kid, state.current.kid);
    await storeA.close();
    await storeB.close();
  });
});

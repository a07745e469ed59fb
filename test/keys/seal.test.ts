import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { GatehouseError } from '../../src/core/errors.ts';
import { deriveKey, openSecret, sealSecret } from '../../src/core/keys/seal.ts';

const master = () => new Uint8Array(randomBytes(32));
const PLAIN = '{"kty":"OKP","d":"very-secret-Ωß"}';

function rejects(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GatehouseError);
    assert.equal(error.code, 'sealed_secret_invalid');
    assert.ok(!error.message.includes('very-secret'));
    return true;
  });
}

/** Flips one bit of the base64url part `index` of a sealed value. */
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('sealSecret / openSecret', () => {
  it('round-trips, with a versioned format and a fresh 12-byte IV each time', () => {
    const key = master();
    const a = sealSecret(key, PLAIN, 'kid-1');
    const b = sealSecret(key, PLAIN, 'kid-1');
    assert.equal(openSecret(key, a, 'kid-1'), PLAIN);
    assert.notEqual(a, b);
    const parts = a.split('.');
    assert.equal(parts.length, 4);
    assert.equal(parts[0], 'v1');
    assert.equal(Buffer.from(parts[1] ?? '', 'base64url').length, 12);
    assert.equal(Buffer.from(parts[3] ?? '', 'base64url').length, 16);
    assert.equal(openSecret(key, sealSecret(key, '', 'x'), 'x'), '');
  });

  it('never contains the plaintext', () => {
    const sealed = sealSecret(master(), PLAIN, 'kid-1');
    assert.ok(!sealed.includes('very-secret'));
    assert.ok(!sealed.includes(Buffer.from(PLAIN).toString('base64url').slice(4, 30)));
    assert.ok(!sealed.includes('"d":'));
  });

  it('fails on a tampered IV, ciphertext or tag', () => {
    const key = master();
    const sealed = sealSecret(key, PLAIN, 'kid-1');
    for (const index of [1, 2, 3]) rejects(() => openSecret(key, flip(sealed, index), 'kid-1'));
    rejects(() => openSecret(key, sealed.replace(/^v1/, 'v2'), 'kid-1'));
    rejects(() => openSecret(key, sealed.split('.').slice(0, 3).join('.'), 'kid-1'));
  });

  it('fails when the AAD (purpose) differs', () => {
    const key = master();
    rejects(() => openSecret(key, sealSecret(key, PLAIN, 'kid-1'), 'kid-2'));
  });

  it('fails with another master key', () => {
    rejects(() => openSecret(master(), sealSecret(master(), PLAIN, 'kid-1'), 'kid-1'));
  });

  it('refuses a master key that is not 32 bytes', () => {
    assert.throws(() => sealSecret(new Uint8Array(16), PLAIN, 'a'), GatehouseError);
  });
});

describe('deriveKey', () => {
  it('gives a stable 32-byte subkey per master key and purpose', () => {
    const key = master();
    const a = deriveKey(key, 'code-hash');
    assert.equal(a.length, 32);
    assert.deepEqual(deriveKey(key, 'code-hash'), a);
    assert.notDeepEqual(deriveKey(key, 'other'), a);
    assert.notDeepEqual(deriveKey(master(), 'code-hash'), a);
    assert.notDeepEqual(Buffer.from(a), Buffer.from(key));
  });

  it('refuses an empty purpose or a short master key', () => {
    assert.throws(() => deriveKey(master(), ''), GatehouseError);
    assert.throws(() => deriveKey(new Uint8Array(31), 'x'), GatehouseError);
  });
});

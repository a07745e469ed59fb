import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passkeyAmr } from '../../src/passkeys/amr.ts';
import { counterAdvances } from '../../src/passkeys/counter.ts';
import { checkPasskeyName } from '../../src/passkeys/passkey-name.ts';
import { userHandleOf } from '../../src/passkeys/user-handle.ts';

describe('passkey policy', () => {
  it('amr (RFC 8176): swk for synced or backed-up keys, hwk for device-bound ones; user and mfa with UV', () => {
    const cases: [Parameters<typeof passkeyAmr>[0], string[]][] = [
      [{ deviceType: 'multiDevice', backedUp: true, userVerified: true }, ['swk', 'user', 'mfa']],
      [{ deviceType: 'multiDevice', backedUp: false, userVerified: true }, ['swk', 'user', 'mfa']],
      [{ deviceType: 'singleDevice', backedUp: false, userVerified: true }, ['hwk', 'user', 'mfa']],
      [{ deviceType: 'singleDevice', backedUp: false, userVerified: false }, ['hwk']],
      [{ deviceType: 'multiDevice', backedUp: true, userVerified: false }, ['swk']],
    ];
    for (const [flags, amr] of cases) assert.deepEqual(passkeyAmr(flags), amr, JSON.stringify(flags));
  });

  it('counter (L3 §7.2): must increase when either side is non-zero; 0 and 0 is an authenticator without one', () => {
    const cases: [number, number, boolean][] = [
      [0, 0, true],
      [0, 1, true],
      [5, 6, true],
      [5, 5, false],
      [5, 4, false],
      [5, 0, false],
      [4_294_967_294, 4_294_967_295, true],
    ];
    for (const [stored, received, accepted] of cases) {
      assert.equal(counterAdvances(stored, received), accepted, `${stored} -> ${received}`);
    }
  });

  it('passkey names: trimmed, 1 to 64 characters, no control characters, "Passkey" by default', () => {
    assert.deepEqual(checkPasskeyName(undefined), { ok: true, value: 'Passkey' });
    assert.deepEqual(checkPasskeyName('  Phone '), { ok: true, value: 'Phone' });
    assert.deepEqual(checkPasskeyName('🔑'.repeat(64)), { ok: true, value: '🔑'.repeat(64) });
    for (const bad of ['', '   ', 'a'.repeat(65), 'tab\there', 'line\nbreak']) {
      assert.equal(checkPasskeyName(bad).ok, false, JSON.stringify(bad));
    }
  });

  it('the user handle is the user id in base64url, well under the 64-byte limit', () => {
    const handle = userHandleOf('usr_AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(Buffer.from(handle, 'base64url').toString(), 'usr_AAAAAAAAAAAAAAAAAAAAAA');
    assert.ok(Buffer.from(handle, 'base64url').length <= 64);
  });
});

/**
 * Contract §2 (/v1 JSON API) end to end: every endpoint's happy path and its documented failures,
 * over real HTTP on loopback, a real SQLite file, real argon2 and a real SMTP capture. Time moves
 * with a ManualClock (code expiry) instead of sleeping.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ManualClock } from '../../src/core/clock.ts';
import type { Store } from '../../src/storage/port.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { expectProblem } from '../helpers/problem.ts';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'tr0ubadour & a stapled tail';
const MINUTE = 60_000;

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A six-digit code guaranteed different from `code`. */
function otherCode(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

let counter = 0;
function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${counter}@example.com`;
}

describe('/v1 accounts: sign-up, codes, sign-in, passwords, sessions (§2)', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));

  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  const mailsTo = (email: string, kind?: string) =>
    server.smtp.messages.filter((m) => m.to.includes(email) && (kind === undefined || m.kind === kind));

  const signUp = (email: string, password = PASSWORD, extra: Record<string, unknown> = {}) =>
    server.post('/v1/signup', { email, password, ...extra });

  async function signUpAndGetCode(email: string, password = PASSWORD): Promise<string> {
    const response = await signUp(email, password);
    assert.equal(response.status, 202, await response.clone().text());
    return extractCode((await server.smtp.waitFor({ to: email, kind: 'signup_code' })).text);
  }

  describe('POST /v1/signup', () => {
    it('answers 202 verification_sent for a new email and mails it a 6-digit code', async () => {
      const email = uniqueEmail('new');
      const response = await signUp(email);
      assert.equal(response.status, 202);
      assert.deepEqual(await response.json(), { status: 'verification_sent' });
      const mail = await server.smtp.waitFor({ to: email, kind: 'signup_code' });
      assert.match(extractCode(mail.text), /^\d{6}$/);
    });

    it('answers an existing confirmed email with the same 202, mailing the owner signup_existing and no code (no enumeration)', async () => {
      const email = uniqueEmail('existing');
      await server.createConfirmedUser(email, PASSWORD);
      const fresh = await signUp(uniqueEmail('fresh'));
      const again = await signUp(email, 'a completely different passphrase');
      assert.equal(again.status, fresh.status);
      assert.equal(await again.text(), await fresh.text());

      const notice = await server.smtp.waitFor({ to: email, kind: 'signup_existing' });
      assert.throws(() => extractCode(notice.text), /no 6-digit code/);
      // Only the original sign-up's code ever went to this address.
      assert.equal(mailsTo(email, 'signup_code').length, 1);
      // Nothing changed: the old password still signs in, the attempted one does not.
      await server.signIn(email, PASSWORD);
      const attempted = await server.post('/v1/signin', {
        email,
        password: 'a completely different passphrase',
      });
      await expectProblem(attempted, 401, 'invalid_credentials');
    });

    it('refuses weak passwords with 400 weak_password: short, common, 257 characters, the email itself', async () => {
      const email = uniqueEmail('weak');
      const weak = ['short12', 'password1', 'Password1', 'qwertyuiop', 'x'.repeat(257), email];
      for (const password of weak) {
        const body = await expectProblem(await signUp(email, password), 400, 'weak_password');
        assert.doesNotMatch(body.detail, new RegExp(password.slice(0, 12)), 'detail echoes the password');
      }
      assert.equal(mailsTo(email).length, 0, 'a refused sign-up sends no mail');
    });

    it('accepts 8 and 256 characters, any Unicode, with no composition rules and no truncation', async () => {
      const long = `${'lorem ipsum dolor '.repeat(14)}sit amet.`.slice(0, 256);
      assert.equal(long.length, 256);
      const emoji = '🔑🦆🌵🎻🧲🪁🛶🧊'; // 8 code points, 16 UTF-16 units
      for (const password of ['abcdefgh', long, emoji]) {
        const email = uniqueEmail('ok-password');
        await server.createConfirmedUser(email, password);
        await server.signIn(email, password);
      }
      // No truncation: a long password's prefix is not the password.
      const email = uniqueEmail('no-truncation');
      await server.createConfirmedUser(email, long);
      const prefix = await server.post('/v1/signin', { email, password: long.slice(0, 72) });
      await expectProblem(prefix, 401, 'invalid_credentials');
    });

    it('NFKC-normalises passwords and emails: full-width and composed forms sign in as their plain forms', async () => {
      const fullWidthPassword = 'ｍｏｏｎｌｉｔ　ｔｅａｐｏｔ　４２'; // full-width letters, digits, ideographic spaces
      const fullWidthEmail = `ｎｆｋｃ-${++counter}@ｅｘａｍｐｌｅ.ｃｏｍ`;
      const plainEmail = fullWidthEmail.normalize('NFKC');
      assert.notEqual(fullWidthEmail, plainEmail);
      assert.equal((await signUp(fullWidthEmail, fullWidthPassword)).status, 202);
      // The mail goes to the normalised address.
      const code = extractCode((await server.smtp.waitFor({ to: plainEmail, kind: 'signup_code' })).text);
      const confirm = await server.post('/v1/signup/confirm', { email: fullWidthEmail, code });
      assert.equal(confirm.status, 200, await confirm.text());
      await server.signIn(plainEmail, 'moonlit teapot 42');

      const decomposed = 'Gru\u0308ße aus Ko\u0308ln 1999'; // u + combining diaeresis
      const composed = decomposed.normalize('NFC');
      assert.notEqual(decomposed, composed);
      const email = uniqueEmail('composed');
      await server.createConfirmedUser(email, decomposed);
      await server.signIn(email, composed);
    });

    it('stores the optional name and the default roles, shown by /v1/me', async () => {
      const email = uniqueEmail('named');
      const response = await signUp(email, PASSWORD, { name: 'Ada Lovelace' });
      assert.equal(response.status, 202);
      const code = extractCode((await server.smtp.waitFor({ to: email, kind: 'signup_code' })).text);
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
      const tokens = await server.signIn(email, PASSWORD);
      const me = (await (await server.get('/v1/me', bearer(tokens.access_token))).json()) as Record<
        string,
        unknown
      >;
      assert.equal(me['name'], 'Ada Lovelace');
      assert.deepEqual(me['roles'], []);
    });
  });

  describe('POST /v1/signup/confirm', () => {
    it('confirms with the mailed code: 200 confirmed, then email_verified is true', async () => {
      const email = uniqueEmail('confirm');
      const code = await signUpAndGetCode(email);
      const response = await server.post('/v1/signup/confirm', { email, code });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'confirmed' });
      const tokens = await server.signIn(email, PASSWORD);
      const me = (await (await server.get('/v1/me', bearer(tokens.access_token))).json()) as {
        email_verified: boolean;
      };
      assert.equal(me.email_verified, true);
    });

    it('refuses a wrong code with 400 invalid_code', async () => {
      const email = uniqueEmail('wrong-code');
      const code = await signUpAndGetCode(email);
      await expectProblem(
        await server.post('/v1/signup/confirm', { email, code: otherCode(code) }),
        400,
        'invalid_code',
      );
      // The right code still works after one wrong try.
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
    });

    it('refuses a code for an email that never signed up with 400 invalid_code', async () => {
      await expectProblem(
        await server.post('/v1/signup/confirm', { email: uniqueEmail('nobody'), code: '123456' }),
        400,
        'invalid_code',
      );
    });

    it('refuses an expired code (11 minutes later) with 400 invalid_code', async () => {
      const email = uniqueEmail('expired');
      const code = await signUpAndGetCode(email);
      clock.advance(11 * MINUTE);
      await expectProblem(await server.post('/v1/signup/confirm', { email, code }), 400, 'invalid_code');
      // Still unconfirmed.
      await expectProblem(
        await server.post('/v1/signin', { email, password: PASSWORD }),
        403,
        'email_not_verified',
      );
    });

    it('accepts a code just before its 10 minutes are up', async () => {
      const email = uniqueEmail('nearly-expired');
      const code = await signUpAndGetCode(email);
      clock.advance(9 * MINUTE + 59_000);
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
    });

    it('refuses a reused code with 400 invalid_code (single use)', async () => {
      const email = uniqueEmail('reused');
      const code = await signUpAndGetCode(email);
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
      await expectProblem(await server.post('/v1/signup/confirm', { email, code }), 400, 'invalid_code');
    });

    it('kills the code after 5 wrong tries: the right code then fails too', async () => {
      const email = uniqueEmail('five-wrong');
      const code = await signUpAndGetCode(email);
      for (let i = 1; i <= 5; i++) {
        await expectProblem(
          await server.post('/v1/signup/confirm', { email, code: otherCode(code, i) }),
          400,
          'invalid_code',
        );
      }
      await expectProblem(await server.post('/v1/signup/confirm', { email, code }), 400, 'invalid_code');
    });

    it('allows 4 wrong tries before the right code (the limit is exactly 5)', async () => {
      const email = uniqueEmail('four-wrong');
      const code = await signUpAndGetCode(email);
      for (let i = 1; i <= 4; i++) {
        await server.post('/v1/signup/confirm', { email, code: otherCode(code, i) });
      }
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
    });

    it('voids the older code when a newer one is sent', async () => {
      const email = uniqueEmail('newer');
      const older = await signUpAndGetCode(email);
      const resend = await server.post('/v1/signup/resend', { email });
      assert.equal(resend.status, 202);
      const newer = extractCode((await server.smtp.waitFor({ to: email, kind: 'signup_code' })).text);
      assert.notEqual(newer, older);
      await expectProblem(
        await server.post('/v1/signup/confirm', { email, code: older }),
        400,
        'invalid_code',
      );
      assert.equal((await server.post('/v1/signup/confirm', { email, code: newer })).status, 200);
    });

    it('does not accept a password-reset code as a sign-up code', async () => {
      const email = uniqueEmail('cross-purpose');
      await signUpAndGetCode(email);
      assert.equal((await server.post('/v1/password/forgot', { email })).status, 202);
      const resetCode = extractCode((await server.smtp.waitFor({ to: email, kind: 'reset_code' })).text);
      await expectProblem(
        await server.post('/v1/signup/confirm', { email, code: resetCode }),
        400,
        'invalid_code',
      );
    });
  });

  describe('POST /v1/signup/resend', () => {
    it('answers 202 for unknown, unconfirmed and confirmed emails alike; only the unconfirmed one gets a code', async () => {
      const unknown = uniqueEmail('resend-unknown');
      const unconfirmed = uniqueEmail('resend-unconfirmed');
      const confirmed = uniqueEmail('resend-confirmed');
      await signUpAndGetCode(unconfirmed);
      await server.createConfirmedUser(confirmed, PASSWORD);
      const answers: string[] = [];
      for (const email of [unknown, unconfirmed, confirmed]) {
        const response = await server.post('/v1/signup/resend', { email });
        assert.equal(response.status, 202);
        answers.push(await response.text());
      }
      assert.equal(new Set(answers).size, 1, 'the three answers differ');
      assert.equal(mailsTo(unknown).length, 0);
      assert.equal(mailsTo(confirmed, 'signup_code').length, 1, 'a confirmed account got a new code');
      const code = extractCode((await server.smtp.waitFor({ to: unconfirmed, kind: 'signup_code' })).text);
      assert.equal((await server.post('/v1/signup/confirm', { email: unconfirmed, code })).status, 200);
    });
  });

  describe('POST /v1/signin', () => {
    it('answers 200 with a token response and Cache-Control: no-store', async () => {
      const email = uniqueEmail('signin');
      await server.createConfirmedUser(email, PASSWORD);
      const response = await server.post('/v1/signin', { email, password: PASSWORD });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as TokenResponseJson;
      assert.equal(body.token_type, 'Bearer');
      assert.equal(typeof body.access_token, 'string');
      assert.equal(body.expires_in, 900);
      assert.equal(typeof body.scope, 'string');
      assert.match(body.refresh_token ?? '', /^ghr_[A-Za-z0-9_-]{43,}$/);
    });

    it('answers an unconfirmed account 403 email_not_verified only with the right password', async () => {
      const email = uniqueEmail('unconfirmed');
      await signUpAndGetCode(email);
      await expectProblem(
        await server.post('/v1/signin', { email, password: 'not the password at all' }),
        401,
        'invalid_credentials',
      );
      await expectProblem(
        await server.post('/v1/signin', { email, password: PASSWORD }),
        403,
        'email_not_verified',
      );
    });

    it('answers a wrong password and an unknown email with 401 invalid_credentials', async () => {
      const email = uniqueEmail('wrong-password');
      await server.createConfirmedUser(email, PASSWORD);
      await expectProblem(
        await server.post('/v1/signin', { email, password: 'wrong wrong wrong' }),
        401,
        'invalid_credentials',
      );
      await expectProblem(
        await server.post('/v1/signin', { email: uniqueEmail('ghost'), password: PASSWORD }),
        401,
        'invalid_credentials',
      );
    });
  });

  describe('POST /v1/refresh and /v1/signout', () => {
    it('rotates the refresh token: the new one works, the old one is spent (400 invalid_grant)', async () => {
      const email = uniqueEmail('refresh');
      await server.createConfirmedUser(email, PASSWORD);
      const first = await server.signIn(email, PASSWORD);
      const response = await server.post('/v1/refresh', { refresh_token: first.refresh_token });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const second = (await response.json()) as TokenResponseJson;
      assert.notEqual(second.refresh_token, first.refresh_token);
      assert.equal(decodeJwt(second.access_token).sid, decodeJwt(first.access_token).sid);
      const third = await server.post('/v1/refresh', { refresh_token: second.refresh_token });
      assert.equal(third.status, 200);
      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: first.refresh_token }),
        400,
        'invalid_grant',
      );
    });

    it('refuses an unknown refresh token and one naming another client with 400 invalid_grant', async () => {
      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: 'ghr_not-a-real-token' }),
        400,
        'invalid_grant',
      );
      const email = uniqueEmail('refresh-client');
      await server.createConfirmedUser(email, PASSWORD);
      const tokens = await server.signIn(email, PASSWORD);
      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: tokens.refresh_token, client_id: 'other' }),
        400,
        'invalid_grant',
      );
    });

    it('signs out one session with 204, leaving the user’s other sessions alive', async () => {
      const email = uniqueEmail('signout');
      await server.createConfirmedUser(email, PASSWORD);
      const one = await server.signIn(email, PASSWORD);
      const two = await server.signIn(email, PASSWORD);
      const response = await server.post('/v1/signout', { refresh_token: one.refresh_token });
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: one.refresh_token }),
        400,
        'invalid_grant',
      );
      await expectProblem(await server.get('/v1/me', bearer(one.access_token)), 401, 'invalid_token');
      assert.equal((await server.get('/v1/me', bearer(two.access_token))).status, 200);
      assert.equal((await server.post('/v1/refresh', { refresh_token: two.refresh_token })).status, 200);
    });

    it('answers sign-out with an unknown refresh token 204 too (reveals nothing)', async () => {
      const response = await server.post('/v1/signout', { refresh_token: 'ghr_unknown' });
      assert.equal(response.status, 204);
    });

    it('POST /v1/signout/all revokes every session: old access tokens get 401 at /v1/me, refresh tokens invalid_grant', async () => {
      const email = uniqueEmail('signout-all');
      await server.createConfirmedUser(email, PASSWORD);
      const one = await server.signIn(email, PASSWORD);
      const two = await server.signIn(email, PASSWORD);
      const bystander = uniqueEmail('bystander');
      await server.createConfirmedUser(bystander, PASSWORD);
      const other = await server.signIn(bystander, PASSWORD);

      const response = await server.post('/v1/signout/all', {}, bearer(one.access_token));
      assert.equal(response.status, 204);
      for (const tokens of [one, two]) {
        await expectProblem(await server.get('/v1/me', bearer(tokens.access_token)), 401, 'invalid_token');
        await expectProblem(
          await server.post('/v1/refresh', { refresh_token: tokens.refresh_token }),
          400,
          'invalid_grant',
        );
      }
      // Another user's sessions are untouched.
      assert.equal((await server.get('/v1/me', bearer(other.access_token))).status, 200);
      // Signing in again works.
      await server.signIn(email, PASSWORD);
    });

    it('POST /v1/signout/all without a Bearer token answers 401', async () => {
      await expectProblem(await server.post('/v1/signout/all', {}), 401, 'invalid_token');
    });
  });

  describe('POST /v1/password/forgot and /v1/password/reset', () => {
    it('answers 202 for unknown emails and sends them nothing', async () => {
      const email = uniqueEmail('forgot-unknown');
      const response = await server.post('/v1/password/forgot', { email });
      assert.equal(response.status, 202);
      assert.equal(mailsTo(email).length, 0);
    });

    it('resets with the mailed code: 200, every session revoked, password_changed mailed, new password works', async () => {
      const email = uniqueEmail('reset');
      await server.createConfirmedUser(email, PASSWORD);
      const before = await server.signIn(email, PASSWORD);

      const forgot = await server.post('/v1/password/forgot', { email });
      assert.equal(forgot.status, 202);
      const known = await (await server.post('/v1/password/forgot', { email: uniqueEmail('x') })).text();
      assert.equal(await forgot.text(), known, 'known and unknown emails answered differently');
      const code = extractCode((await server.smtp.waitFor({ to: email, kind: 'reset_code' })).text);

      const reset = await server.post('/v1/password/reset', { email, code, password: NEW_PASSWORD });
      assert.equal(reset.status, 200, await reset.clone().text());
      await server.smtp.waitFor({ to: email, kind: 'password_changed' });

      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: before.refresh_token }),
        400,
        'invalid_grant',
      );
      await expectProblem(await server.get('/v1/me', bearer(before.access_token)), 401, 'invalid_token');
      await expectProblem(
        await server.post('/v1/signin', { email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
      await server.signIn(email, NEW_PASSWORD);
      // The code was single use.
      await expectProblem(
        await server.post('/v1/password/reset', { email, code, password: 'yet another new passphrase' }),
        400,
        'invalid_code',
      );
    });

    it('refuses a wrong or expired reset code with 400 invalid_code and leaves the password alone', async () => {
      const email = uniqueEmail('reset-wrong');
      await server.createConfirmedUser(email, PASSWORD);
      await server.post('/v1/password/forgot', { email });
      const code = extractCode((await server.smtp.waitFor({ to: email, kind: 'reset_code' })).text);
      await expectProblem(
        await server.post('/v1/password/reset', { email, code: otherCode(code), password: NEW_PASSWORD }),
        400,
        'invalid_code',
      );
      clock.advance(11 * MINUTE);
      await expectProblem(
        await server.post('/v1/password/reset', { email, code, password: NEW_PASSWORD }),
        400,
        'invalid_code',
      );
      await server.signIn(email, PASSWORD);
      assert.equal(mailsTo(email, 'password_changed').length, 0);
    });

    it('refuses a weak new password with 400 weak_password without spending the code', async () => {
      const email = uniqueEmail('reset-weak');
      await server.createConfirmedUser(email, PASSWORD);
      await server.post('/v1/password/forgot', { email });
      const code = extractCode((await server.smtp.waitFor({ to: email, kind: 'reset_code' })).text);
      await expectProblem(
        await server.post('/v1/password/reset', { email, code, password: 'password1' }),
        400,
        'weak_password',
      );
      assert.equal(
        (await server.post('/v1/password/reset', { email, code, password: NEW_PASSWORD })).status,
        200,
      );
    });

    it('a reset code for an unknown email is refused with 400 invalid_code', async () => {
      await expectProblem(
        await server.post('/v1/password/reset', {
          email: uniqueEmail('reset-nobody'),
          code: '000000',
          password: NEW_PASSWORD,
        }),
        400,
        'invalid_code',
      );
    });
  });

  describe('POST /v1/password/change', () => {
    it('changes the password: other sessions revoked, the calling session keeps working, a notice is mailed', async () => {
      const email = uniqueEmail('change');
      await server.createConfirmedUser(email, PASSWORD);
      const caller = await server.signIn(email, PASSWORD);
      const other = await server.signIn(email, PASSWORD);

      const response = await server.post(
        '/v1/password/change',
        { current_password: PASSWORD, password: NEW_PASSWORD },
        bearer(caller.access_token),
      );
      assert.equal(response.status, 200, await response.clone().text());
      await server.smtp.waitFor({ to: email, kind: 'password_changed' });

      assert.equal((await server.get('/v1/me', bearer(caller.access_token))).status, 200);
      assert.equal((await server.post('/v1/refresh', { refresh_token: caller.refresh_token })).status, 200);
      await expectProblem(await server.get('/v1/me', bearer(other.access_token)), 401, 'invalid_token');
      await expectProblem(
        await server.post('/v1/refresh', { refresh_token: other.refresh_token }),
        400,
        'invalid_grant',
      );
      await expectProblem(
        await server.post('/v1/signin', { email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
      await server.signIn(email, NEW_PASSWORD);
    });

    it('refuses a wrong current password with 401 invalid_credentials and changes nothing', async () => {
      const email = uniqueEmail('change-wrong');
      await server.createConfirmedUser(email, PASSWORD);
      const caller = await server.signIn(email, PASSWORD);
      const other = await server.signIn(email, PASSWORD);
      await expectProblem(
        await server.post(
          '/v1/password/change',
          { current_password: 'not my password', password: NEW_PASSWORD },
          bearer(caller.access_token),
        ),
        401,
        'invalid_credentials',
      );
      assert.equal((await server.get('/v1/me', bearer(other.access_token))).status, 200);
      await server.signIn(email, PASSWORD);
      assert.equal(mailsTo(email, 'password_changed').length, 0);
    });

    it('refuses a weak new password with 400 weak_password', async () => {
      const email = uniqueEmail('change-weak');
      await server.createConfirmedUser(email, PASSWORD);
      const caller = await server.signIn(email, PASSWORD);
      await expectProblem(
        await server.post(
          '/v1/password/change',
          { current_password: PASSWORD, password: '12345678' },
          bearer(caller.access_token),
        ),
        400,
        'weak_password',
      );
    });

    it('requires a Bearer token: 401 without one', async () => {
      await expectProblem(
        await server.post('/v1/password/change', { current_password: PASSWORD, password: NEW_PASSWORD }),
        401,
        'invalid_token',
      );
    });
  });

  describe('GET /v1/me', () => {
    it('answers 200 with exactly {sub, email, email_verified, name, roles, created_at}', async () => {
      const email = uniqueEmail('me');
      const signedUpAt = clock.now();
      await server.createConfirmedUser(email, PASSWORD);
      const tokens = await server.signIn(email, PASSWORD);
      const response = await server.get('/v1/me', bearer(tokens.access_token));
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const me = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(me).sort(), [
        'created_at',
        'email',
        'email_verified',
        'name',
        'roles',
        'sub',
      ]);
      assert.equal(me['sub'], decodeJwt(tokens.access_token).sub);
      assert.equal(me['email'], email);
      assert.equal(me['email_verified'], true);
      assert.equal(me['name'], null);
      assert.deepEqual(me['roles'], []);
      assert.equal(me['created_at'], new Date(signedUpAt).toISOString());
    });

    it('answers 401 invalid_token with WWW-Authenticate: Bearer without a token', async () => {
      const response = await server.get('/v1/me');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      await expectProblem(response, 401, 'invalid_token');
    });
  });
});

describe('/v1 scopes, roles and audience from the config file (§1)', () => {
  let server: TestServer;
  let store: Store;
  const config = {
    clients: [
      {
        client_id: 'app',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: [
          'openid',
          'profile',
          'email',
          'offline_access',
          'expenses:read',
          'expenses:write',
          'admin:users',
        ],
        audience: 'https://api.example.com',
        first_party: true,
      },
      {
        client_id: 'partner',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        scopes: ['openid'],
        first_party: false,
      },
      {
        client_id: 'mobile',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        scopes: ['openid', 'expenses:read'],
        first_party: true,
      },
    ],
    roles: {
      admin: ['admin:users', 'expenses:read', 'expenses:write'],
      member: ['expenses:read'],
    },
    default_roles: ['member'],
  };

  let storeDir: string;

  before(async () => {
    // Our own handle on the same SQLite store, to promote a user to admin (no admin API yet).
    storeDir = mkdtempSync(join(tmpdir(), 'gatehouse-roles-'));
    store = await openSqliteStore(join(storeDir, 'gatehouse.db'));
    server = await startTestServer({ config, overrides: { store } });
  });
  after(async () => {
    await server.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  async function signInClaims(email: string, extra: Record<string, unknown>) {
    const tokens = await server.signIn(email, PASSWORD, extra);
    return { tokens, claims: decodeJwt(tokens.access_token) };
  }

  it('gives new users default_roles: the roles claim and /v1/me show them', async () => {
    const email = uniqueEmail('member');
    await server.createConfirmedUser(email, PASSWORD);
    const { tokens, claims } = await signInClaims(email, {});
    assert.deepEqual(claims['roles'], ['member']);
    const me = (await (await server.get('/v1/me', bearer(tokens.access_token))).json()) as {
      roles: string[];
    };
    assert.deepEqual(me.roles, ['member']);
  });

  it('grants role-bound scopes only when the user’s role has them; aud is the client’s audience', async () => {
    const email = uniqueEmail('member-scopes');
    await server.createConfirmedUser(email, PASSWORD);
    const { tokens, claims } = await signInClaims(email, {
      scope: 'openid email expenses:read expenses:write admin:users',
    });
    assert.equal(tokens.scope, 'openid email expenses:read');
    assert.equal(claims['scope'], 'openid email expenses:read');
    assert.equal(claims.aud, 'https://api.example.com');
    assert.equal(claims['client_id'], 'app');
    assert.equal(claims['email'], email);
    // The ID token's audience is the client, not the API.
    assert.equal(decodeJwt(tokens.id_token ?? '').aud, 'app');
  });

  it('grants an admin the admin scopes and puts ["admin"] in the roles claim', async () => {
    const email = uniqueEmail('admin');
    await server.createConfirmedUser(email, PASSWORD);
    const user = await store.getUserByEmail(email);
    assert.ok(user);
    await store.updateUser(user.id, { roles: ['admin'] }, Date.now());
    const { tokens, claims } = await signInClaims(email, {
      scope: 'openid expenses:read expenses:write admin:users',
    });
    assert.equal(tokens.scope, 'openid expenses:read expenses:write admin:users');
    assert.deepEqual(claims['roles'], ['admin']);
    // No scope requested: everything the client may ask for and the role allows.
    const all = await signInClaims(email, {});
    assert.deepEqual(
      String(all.claims['scope']).split(' ').sort(),
      [
        'admin:users',
        'email',
        'expenses:read',
        'expenses:write',
        'offline_access',
        'openid',
        'profile',
      ].sort(),
    );
  });

  it('leaves out the email claim unless the email scope was granted', async () => {
    const email = uniqueEmail('no-email-scope');
    await server.createConfirmedUser(email, PASSWORD);
    const { claims } = await signInClaims(email, { scope: 'openid expenses:read' });
    assert.equal(claims['scope'], 'openid expenses:read');
    assert.equal('email' in claims, false);
    const withEmail = await signInClaims(email, { scope: 'email' });
    assert.equal(withEmail.claims['email'], email);
  });

  it('drops scopes the client may not ask for; aud falls back to client_id without an audience', async () => {
    const email = uniqueEmail('mobile');
    await server.createConfirmedUser(email, PASSWORD);
    const { tokens, claims } = await signInClaims(email, {
      client_id: 'mobile',
      scope: 'openid email expenses:read admin:clients',
    });
    assert.equal(tokens.scope, 'openid expenses:read');
    assert.equal(claims.aud, 'mobile');
    assert.equal(claims['client_id'], 'mobile');
    assert.equal(tokens.refresh_token, undefined, 'a client without refresh_token got one');
  });

  it('refuses a client that is not first-party, and an unknown client, with 400 invalid_request', async () => {
    const email = uniqueEmail('partner');
    await server.createConfirmedUser(email, PASSWORD);
    for (const client_id of ['partner', 'nope']) {
      const body = await expectProblem(
        await server.post('/v1/signin', { email, password: PASSWORD, client_id }),
        400,
        'invalid_request',
      );
      assert.match(body.detail, /client_id/);
    }
  });

  it('keeps the granted scope across a refresh', async () => {
    const email = uniqueEmail('refresh-scope');
    await server.createConfirmedUser(email, PASSWORD);
    const { tokens } = await signInClaims(email, { scope: 'openid expenses:read' });
    const refreshed = (await (
      await server.post('/v1/refresh', { refresh_token: tokens.refresh_token })
    ).json()) as TokenResponseJson;
    assert.equal(refreshed.scope, 'openid expenses:read');
    assert.equal(decodeJwt(refreshed.access_token).aud, 'https://api.example.com');
  });
});

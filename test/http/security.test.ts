/**
 * Attacks on the /v1 surface over real HTTP, SQLite, argon2 and SMTP: account enumeration (body
 * and timing), password guessing (throttling, including parallel bursts), refresh-token replay
 * races, forged access tokens, and secrets leaking into logs.
 */
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { ManualClock } from '../../src/core/clock.ts';
import { SigningKeyRing } from '../../src/core/keys/key-ring.ts';
import { createJsonLogger } from '../../src/core/log.ts';
import { signAccessToken } from '../../src/core/tokens/access-token.ts';
import type { Store } from '../../src/storage/port.ts';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { expectProblem } from '../helpers/problem.ts';
import { startTestServer, type TestServer, type TokenResponseJson } from '../helpers/server.ts';
import { extractCode } from '../helpers/smtp-capture.ts';

const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

let counter = 0;
function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${counter}@example.com`;
}

describe('account enumeration: sign-in answers do not tell which emails exist', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('unknown email and wrong password get the same status and a byte-identical body', async () => {
    const email = uniqueEmail('enum');
    await server.createConfirmedUser(email, PASSWORD);
    const unconfirmed = uniqueEmail('enum-unconfirmed');
    assert.equal((await server.post('/v1/signup', { email: unconfirmed, password: PASSWORD })).status, 202);

    const attempts = [
      { email: uniqueEmail('nobody'), password: PASSWORD },
      { email, password: 'not the right password' },
      { email: unconfirmed, password: 'not the right password' },
      { email, password: '' },
      { email: uniqueEmail('nobody'), password: '' },
      { email, password: 'x'.repeat(300) },
      { email: 'not-an-email', password: PASSWORD },
    ];
    const answers: { status: number; type: string | null; body: string }[] = [];
    for (const attempt of attempts) {
      const response = await server.post('/v1/signin', attempt);
      answers.push({
        status: response.status,
        type: response.headers.get('content-type'),
        body: await response.text(),
      });
    }
    const first = answers[0]!;
    assert.equal(first.status, 401);
    assert.equal(JSON.parse(first.body).code, 'invalid_credentials');
    answers.forEach((answer, i) => {
      assert.deepEqual(answer, first, `attempt ${i} (${JSON.stringify(attempts[i])}) answered differently`);
    });
  });

  it('unknown email takes about as long as a wrong password (both do argon2 work): median ≥ 50%', async () => {
    // Three accounts, four misses each: below the 5 free failures per email, and 24 misses in all
    // stay below the per-IP threshold.
    const accounts = [uniqueEmail('timing'), uniqueEmail('timing'), uniqueEmail('timing')];
    for (const email of accounts) await server.createConfirmedUser(email, PASSWORD);
    const time = async (body: unknown) => {
      const started = performance.now();
      const response = await server.post('/v1/signin', body);
      await response.arrayBuffer();
      assert.equal(response.status, 401);
      return performance.now() - started;
    };
    // Warm-up (the dummy hash is made on first use).
    await time({ email: uniqueEmail('warmup'), password: 'warm up password' });
    const wrongPassword: number[] = [];
    const unknownEmail: number[] = [];
    for (let i = 0; i < 12; i++) {
      wrongPassword.push(await time({ email: accounts[i % 3], password: `wrong password ${i}` }));
      unknownEmail.push(await time({ email: uniqueEmail('unknown'), password: `wrong password ${i}` }));
    }
    const known = median(wrongPassword);
    const unknown = median(unknownEmail);
    assert.ok(
      unknown >= 0.5 * known,
      `unknown-email median ${unknown.toFixed(1)} ms < 50% of wrong-password median ${known.toFixed(1)} ms`,
    );
    assert.ok(
      known >= 0.5 * unknown,
      `wrong-password median ${known.toFixed(1)} ms < 50% of unknown-email median ${unknown.toFixed(1)} ms`,
    );
  });

  it('forgot-password takes about as long for a known email as for an unknown one (mail is sent after the answer)', async () => {
    const email = uniqueEmail('forgot-timing');
    await server.createConfirmedUser(email, PASSWORD);
    const time = async (target: string) => {
      const started = performance.now();
      const response = await server.post('/v1/password/forgot', { email: target });
      await response.arrayBuffer();
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await time(email));
      unknown.push(await time(uniqueEmail('forgot-unknown')));
    }
    assert.ok(
      median(unknown) >= 0.5 * median(known),
      `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`,
    );
  });
});

describe('sign-in throttling per email: slowed, then 429 with Retry-After, never a permanent lockout', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());
  // Each test starts after the 15-minute window, so the per-IP count of earlier tests is forgotten.
  beforeEach(() => clock.advance(16 * MINUTE));

  const signIn = (email: string, password: string) => server.post('/v1/signin', { email, password });

  async function expect429(response: Response): Promise<number> {
    const retryAfter = response.headers.get('retry-after');
    await expectProblem(response, 429, 'too_many_attempts');
    assert.match(retryAfter ?? '', /^\d+$/, `Retry-After is not a number of seconds: ${retryAfter}`);
    return Number(retryAfter);
  }

  it('answers the 6th attempt after 5 failures with 429 and Retry-After, even with the right password', async () => {
    const email = uniqueEmail('throttle');
    await server.createConfirmedUser(email, PASSWORD);
    for (let i = 1; i <= 5; i++) {
      await expectProblem(await signIn(email, `wrong password ${i}`), 401, 'invalid_credentials');
    }
    const retryAfter = await expect429(await signIn(email, `wrong password 6`));
    assert.ok(retryAfter >= 1);
    // Guessing right while throttled does not get through either.
    await expect429(await signIn(email, PASSWORD));

    clock.advance(retryAfter * 1000);
    const tokens = await server.signIn(email, PASSWORD);
    assert.ok(tokens.access_token);
    // Success clears the count: the next miss is an ordinary 401 again.
    await expectProblem(await signIn(email, 'wrong again'), 401, 'invalid_credentials');
  });

  it('grows the delay with each further failure, caps it at 15 minutes, and forgets failures after the window', async () => {
    const email = uniqueEmail('escalate');
    await server.createConfirmedUser(email, PASSWORD);
    for (let i = 1; i <= 5; i++) await signIn(email, `miss ${i}`);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const retryAfter = await expect429(await signIn(email, `miss again ${i}`));
      delays.push(retryAfter);
      clock.advance(retryAfter * 1000);
      // The delay has passed: one more guess is evaluated (and fails).
      await expectProblem(await signIn(email, `miss after wait ${i}`), 401, 'invalid_credentials');
    }
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!, `delays ${delays}`);
    assert.ok(delays[0]! < delays[5]!, `delays do not grow: ${delays}`);
    assert.ok(Math.max(...delays) <= 15 * 60, `delay above 15 minutes: ${delays}`);

    // Never permanent: once the delay has passed the right password works.
    const last = await expect429(await signIn(email, PASSWORD));
    clock.advance(last * 1000);
    await server.signIn(email, PASSWORD);
  });

  it('throttles unknown emails exactly like known ones (429 does not reveal accounts)', async () => {
    const known = uniqueEmail('throttle-known');
    const unknown = uniqueEmail('throttle-unknown');
    await server.createConfirmedUser(known, PASSWORD);
    for (let i = 1; i <= 5; i++) {
      await expectProblem(await signIn(known, `nope ${i}`), 401, 'invalid_credentials');
      await expectProblem(await signIn(unknown, `nope ${i}`), 401, 'invalid_credentials');
    }
    const a = await signIn(known, 'nope 6');
    const b = await signIn(unknown, 'nope 6');
    assert.equal(a.status, 429);
    assert.equal(b.status, 429);
    assert.equal(a.headers.get('retry-after'), b.headers.get('retry-after'));
    assert.equal(await a.text(), await b.text());
  });

  it('throttles wrong current passwords at /v1/password/change too, so a stolen access token cannot brute-force the password', async () => {
    const email = uniqueEmail('change-guess');
    await server.createConfirmedUser(email, PASSWORD);
    const { access_token } = await server.signIn(email, PASSWORD);
    const change = (current: string) =>
      server.post(
        '/v1/password/change',
        { current_password: current, password: 'a brand new passphrase' },
        bearer(access_token),
      );
    for (let i = 1; i <= 5; i++) {
      await expectProblem(await change(`guess ${i}`), 401, 'invalid_credentials');
    }
    const retryAfter = await expect429(await change('guess 6'));
    // The same count guards sign-in for that email.
    await expect429(await signIn(email, PASSWORD));
    clock.advance(retryAfter * 1000);
    assert.equal((await change(PASSWORD)).status, 200);
  });

  it('guards against parallel guessing: 20 simultaneous wrong passwords get at most 5 evaluated (the rest 429)', async () => {
    const email = uniqueEmail('burst');
    await server.createConfirmedUser(email, PASSWORD);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn(email, `parallel guess ${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    const evaluated = statuses.filter((s) => s === 401).length;
    const throttled = statuses.filter((s) => s === 429).length;
    assert.equal(evaluated + throttled, 20, `unexpected statuses ${statuses}`);
    assert.ok(evaluated <= 5, `${evaluated} of 20 parallel guesses were evaluated: ${statuses}`);
    assert.ok(evaluated >= 1, 'not a single guess was evaluated');
  });
});

describe('sign-in throttling per IP address', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  before(async () => {
    server = await startTestServer({ overrides: { clock } });
  });
  after(() => server.close());

  it('answers 429 after 50 failures from one IP across many emails, and recovers after Retry-After', async () => {
    const victim = uniqueEmail('ip-victim');
    await server.createConfirmedUser(victim, PASSWORD);
    // 10 emails × 5 misses: never over one email's free failures, 50 for the IP (src/core/accounts/throttle.ts).
    for (let i = 0; i < 50; i++) {
      const response = await server.post('/v1/signin', {
        email: `spray-${Math.floor(i / 5)}@example.com`,
        password: `spray guess ${i}`,
      });
      await expectProblem(response, 401, 'invalid_credentials');
    }
    const blocked = await server.post('/v1/signin', { email: victim, password: PASSWORD });
    const retryAfter = blocked.headers.get('retry-after');
    await expectProblem(blocked, 429, 'too_many_attempts');
    assert.match(retryAfter ?? '', /^\d+$/);
    clock.advance(Number(retryAfter) * 1000);
    await server.signIn(victim, PASSWORD);
  });
});

describe('tokens: refresh replay races and forged access tokens', () => {
  let server: TestServer;
  let store: Store;
  let ring: SigningKeyRing;
  let storeDir: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const email = 'victim@example.com';
  let tokens: TokenResponseJson;

  before(async () => {
    const masterKey = randomBytes(32);
    storeDir = mkdtempSync(join(tmpdir(), 'gatehouse-forge-'));
    store = await openSqliteStore(join(storeDir, 'gatehouse.db'));
    server = await startTestServer({
      config: {
        clients: [
          {
            client_id: 'app',
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            scopes: ['openid', 'profile', 'email', 'offline_access'],
            first_party: true,
          },
          {
            client_id: 'partner',
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            scopes: ['openid'],
            redirect_uris: ['https://partner.example/callback'],
            first_party: false,
          },
        ],
      },
      env: { GATEHOUSE_MASTER_KEY: masterKey.toString('base64') },
      overrides: { clock, store },
    });
    // A second ring over the same store and master key: the server's own signing keys, so tests
    // can mint tokens that are validly signed but wrong in one claim.
    ring = new SigningKeyRing({
      store,
      masterKey: new Uint8Array(masterKey),
      alg: 'RS256',
      clock,
      rotationDays: 30,
      maxTokenTtlSeconds: 3600,
    });
    await ring.ensureReady();
    await server.createConfirmedUser(email, PASSWORD);
  });
  after(async () => {
    await server.close();
    rmSync(storeDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    tokens = await server.signIn(email, PASSWORD);
  });

  const me = (token: string) => server.get('/v1/me', bearer(token));

  /** A token signed with the server's current key, from the real token's claims with changes. */
  async function serverSigned(
    changes: Record<string, unknown>,
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const claims = { ...decodeJwt(tokens.access_token), ...changes };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    const key = await ring.currentSigningKey();
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }

  async function serverKid(): Promise<{ kid: string; jwk: JWK }> {
    const jwks = (await (await server.get('/.well-known/jwks.json')).json()) as { keys: JWK[] };
    const kid = decodeProtectedHeader(tokens.access_token).kid;
    const jwk = jwks.keys.find((k) => k.kid === kid);
    assert.ok(jwk, 'the signing key is not in the JWKS');
    return { kid: kid!, jwk };
  }

  async function attackerSigned(header: Record<string, unknown>, changes: Record<string, unknown> = {}) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    return new SignJWT({ ...decodeJwt(tokens.access_token), ...changes })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
      .sign(privateKey);
  }

  async function expect401(token: string, why: string): Promise<void> {
    const response = await me(token);
    const text = await response.text();
    assert.equal(response.status, 401, `${why}: answered ${response.status} ${text}`);
    assert.equal(JSON.parse(text).code, 'invalid_token', why);
  }

  it('controls: the real token and a faithful re-signing with the server key are accepted', async () => {
    assert.equal((await me(tokens.access_token)).status, 200);
    assert.equal((await me(await serverSigned({}))).status, 200);
  });

  it('refresh replay under 20 parallel requests: exactly one 200, and the winner’s new token is dead too (family revoked)', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.post('/v1/refresh', { refresh_token: tokens.refresh_token })),
    );
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, unknown>>));
    const winners = responses.flatMap((r, i) => (r.status === 200 ? [bodies[i]!] : []));
    assert.equal(winners.length, 1, `statuses: ${responses.map((r) => r.status)}`);
    responses.forEach((r, i) => {
      if (r.status !== 200) {
        assert.equal(r.status, 400);
        assert.equal(bodies[i]!['code'], 'invalid_grant');
      }
    });
    const winner = winners[0] as unknown as TokenResponseJson;
    await expectProblem(
      await server.post('/v1/refresh', { refresh_token: winner.refresh_token }),
      400,
      'invalid_grant',
    );
    await expect401(winner.access_token, 'access token of the revoked family');
    await expect401(tokens.access_token, 'original access token of the revoked family');
  });

  it('refuses alg "none" with 401', async () => {
    const { kid } = await serverKid();
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid }));
    const payload = base64url.encode(JSON.stringify(decodeJwt(tokens.access_token)));
    await expect401(`${header}.${payload}.`, 'alg none');
    await expect401(`${header}.${payload}`, 'alg none, no signature part');
    const upper = base64url.encode(JSON.stringify({ alg: 'None', typ: 'at+jwt', kid }));
    await expect401(`${upper}.${payload}.`, 'alg None');
  });

  it('refuses HS256 signed with the server’s RSA public key as the HMAC secret (key confusion)', async () => {
    const { kid, jwk } = await serverKid();
    const publicKey = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const secrets = [
      Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })),
      publicKey.export({ type: 'spki', format: 'der' }),
      publicKey.export({ type: 'pkcs1', format: 'der' }),
      Buffer.from(JSON.stringify(jwk)),
      Buffer.from(jwk.n ?? '', 'base64url'),
    ];
    for (const [i, secret] of secrets.entries()) {
      const forged = await new SignJWT(decodeJwt(tokens.access_token))
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
        .sign(new Uint8Array(secret));
      await expect401(forged, `HS256 with public key form ${i}`);
    }
  });

  it('refuses an embedded jwk header carrying an attacker key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const attackerJwk = await exportJWK(publicKey);
    const { kid } = await serverKid();
    for (const header of [
      { jwk: attackerJwk },
      { jwk: attackerJwk, kid },
      { jwk: { ...attackerJwk, kid: 'attacker' }, kid: 'attacker' },
    ]) {
      const forged = await new SignJWT(decodeJwt(tokens.access_token))
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
        .sign(privateKey);
      await expect401(forged, `jwk header ${JSON.stringify(Object.keys(header))}`);
    }
  });

  it('refuses a jku header pointing at an attacker’s key set', async () => {
    const { kid } = await serverKid();
    await expect401(
      await attackerSigned({ jku: 'https://attacker.example/jwks.json', kid: 'attacker' }),
      'jku + attacker kid',
    );
    await expect401(
      await attackerSigned({ jku: `${server.url}/.well-known/jwks.json`, kid }),
      'jku + our kid',
    );
    await expect401(await attackerSigned({ x5u: 'https://attacker.example/cert.pem', kid }), 'x5u');
  });

  it('refuses unknown and injected kids: "nope", "../../etc/passwd", "\' OR 1=1 --", none at all', async () => {
    const kids: unknown[] = ['nope', '../../etc/passwd', "' OR 1=1 --", '', 42, null, { $ne: null }];
    for (const kid of kids) await expect401(await attackerSigned({ kid }), `kid ${JSON.stringify(kid)}`);
    await expect401(await attackerSigned({}), 'no kid');
    // And HS256 with an injected kid whose "file" would be empty.
    const forged = await new SignJWT(decodeJwt(tokens.access_token))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: '../../../../dev/null' })
      .sign(new Uint8Array(32));
    await expect401(forged, 'HS256 with /dev/null kid');
  });

  it('refuses an expired access token (15 minutes later) but not before', async () => {
    clock.advance(14 * MINUTE);
    assert.equal((await me(tokens.access_token)).status, 200);
    clock.advance(MINUTE + 1000);
    await expect401(tokens.access_token, 'expired');
  });

  it('refuses server-signed tokens with a wrong iss, no exp, wrong typ, or a foreign sub', async () => {
    await expect401(await serverSigned({ iss: 'https://evil.example' }), 'wrong iss');
    await expect401(await serverSigned({ iss: `${server.url}/` }), 'iss with trailing slash');
    await expect401(await serverSigned({ exp: undefined }), 'no exp');
    await expect401(await serverSigned({}, { typ: 'JWT' }), 'typ JWT');
    await expect401(await serverSigned({ sub: 'usr_doesnotexist' }), 'unknown user');
    await expect401(await serverSigned({ sid: 'not-a-session' }), 'unknown session');
  });

  it('refuses a token whose signature was tampered with, or whose payload was changed', async () => {
    const [h, p, s] = tokens.access_token.split('.') as [string, string, string];
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    await expect401(`${h}.${p}.${flipped}`, 'flipped signature');
    const payload = { ...decodeJwt(tokens.access_token), roles: ['admin'] };
    await expect401(`${h}.${base64url.encode(JSON.stringify(payload))}.${s}`, 'edited payload');
    await expect401(`${h}.${p}.`, 'stripped signature');
  });

  it('refuses the ID token used as an access token', async () => {
    assert.ok(tokens.id_token, 'no id_token with the default scope');
    await expect401(tokens.id_token, 'id token');
  });

  it('refuses at /v1 a user token issued to a third-party or unknown client (the JSON API is first-party only)', async () => {
    const user = await store.getUserByEmail(email);
    for (const clientId of ['partner', 'ghost-client']) {
      const { token } = await signAccessToken(ring, {
        issuer: server.url,
        sub: user!.id,
        audience: clientId,
        clientId,
        scope: ['openid'],
        roles: [],
        sid: String(decodeJwt(tokens.access_token).sid),
        ttlSeconds: 900,
        now: clock.now(),
      });
      // With only `openid`, /v1/me would hand a third party the email it was never granted.
      await expect401(token, `token of client ${clientId}`);
      for (const path of ['/v1/signout/all', '/v1/password/change']) {
        const response = await server.post(
          path,
          { current_password: PASSWORD, password: 'a brand new passphrase' },
          bearer(token),
        );
        assert.equal(response.status, 401, `${path} with a ${clientId} token: ${response.status}`);
      }
    }
    // Nothing happened: the user's own session is alive.
    assert.equal((await me(tokens.access_token)).status, 200);
  });

  it('refuses a client_credentials-like token whose sub is a client, not a user', async () => {
    const key = await ring.currentSigningKey();
    assert.ok(key.kid);
    const { token } = await signAccessToken(ring, {
      issuer: server.url,
      sub: 'app',
      audience: 'app',
      clientId: 'app',
      scope: ['openid'],
      roles: [],
      ttlSeconds: 900,
      now: clock.now(),
    });
    await expect401(token, 'client token');
    // The same mint with a user's sub is accepted: the refusal above is about the sub.
    const user = await store.getUserByEmail(email);
    const { token: userToken } = await signAccessToken(ring, {
      issuer: server.url,
      sub: user!.id,
      audience: 'app',
      clientId: 'app',
      scope: ['openid'],
      roles: [],
      sid: String(decodeJwt(tokens.access_token).sid),
      ttlSeconds: 900,
      now: clock.now(),
    });
    assert.equal((await me(userToken)).status, 200);
  });
});

describe('logs never contain passwords, codes or tokens', () => {
  it('signup, confirm, sign-in, refresh, wrong password, reset: no secret appears in any log line', async () => {
    const lines: string[] = [];
    const server = await startTestServer({
      overrides: { logger: createJsonLogger((line) => lines.push(line), {}, 'debug') },
    });
    try {
      const email = 'logged@example.com';
      const password = 'log-secret-password-1';
      const newPassword = 'log-secret-password-2';
      const secrets: Record<string, string> = { password, newPassword };

      assert.equal((await server.post('/v1/signup', { email, password })).status, 202);
      const code = extractCode((await server.smtp.waitFor({ to: email, kind: 'signup_code' })).text);
      secrets['signup code'] = code;
      assert.equal((await server.post('/v1/signup/confirm', { email, code: '000000' })).status, 400);
      assert.equal((await server.post('/v1/signup/confirm', { email, code })).status, 200);
      assert.equal((await server.post('/v1/signin', { email, password: 'log-wrong-password' })).status, 401);
      secrets['wrong password'] = 'log-wrong-password';
      const tokens = await server.signIn(email, password);
      const refreshed = (await (
        await server.post('/v1/refresh', { refresh_token: tokens.refresh_token })
      ).json()) as TokenResponseJson;
      await server.post('/v1/refresh', { refresh_token: tokens.refresh_token }); // replay, logged as reuse
      await server.get('/v1/me', bearer(refreshed.access_token));
      await server.get('/v1/me', { authorization: 'Bearer garbage.token.value' });
      assert.equal((await server.post('/v1/password/forgot', { email })).status, 202);
      const resetCode = extractCode((await server.smtp.waitFor({ to: email, kind: 'reset_code' })).text);
      secrets['reset code'] = resetCode;
      await server.post('/v1/password/reset', { email, code: resetCode, password: newPassword });

      for (const [name, t] of [
        ['first', tokens],
        ['refreshed', refreshed],
      ] as const) {
        secrets[`${name} access token`] = t.access_token;
        secrets[`${name} access token signature`] = t.access_token.split('.')[2]!;
        secrets[`${name} refresh token`] = t.refresh_token!;
        secrets[`${name} refresh token body`] = t.refresh_token!.slice('ghr_'.length);
        if (t.id_token) secrets[`${name} id token signature`] = t.id_token.split('.')[2]!;
      }

      // The capture really saw the flow, so the absence below means something.
      const events = lines.map((line) => JSON.parse(line).event as string);
      for (const event of ['signup', 'email_confirmed', 'signin_failed', 'signin', 'refresh_token_reuse']) {
        assert.ok(events.includes(event), `no "${event}" log line; saw ${[...new Set(events)]}`);
      }
      assert.ok(events.includes('request'));
      for (const [name, secret] of Object.entries(secrets)) {
        assert.ok(secret.length >= 6, `${name} is too short to search for`);
        const leaking = lines.find((line) => line.includes(secret));
        assert.equal(leaking, undefined, `the ${name} appears in a log line: ${leaking}`);
      }
    } finally {
      await server.close();
    }
  });
});

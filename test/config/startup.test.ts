/**
 * Start-up as operators meet it (§1): `node src/runtime/cli.ts serve` as a child process with an
 * environment. Bad settings stop it before it listens with one line naming the setting; a good
 * start creates the database, the master key (0600) and the signing keys, and serves /health and
 * discovery; ES256 and EdDSA are selectable and the tokens carry that alg.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { freePort } from '../helpers/server.ts';
import { extractCode, startSmtpCapture } from '../helpers/smtp-capture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'src/runtime/cli.ts');
const PASSWORD = 'correct horse battery';

const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-startup-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let dirs = 0;
/** A data dir path that does not exist yet. */
function freshDataDir(): string {
  dirs += 1;
  return join(scratch, `data-${dirs}`, 'gatehouse');
}

function writeConfig(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/**
 * Only what we set: the parent's environment (NODE_TEST_CONTEXT, NODE_OPTIONS, a developer's own
 * GATEHOUSE_*) must not leak into the child.
 */
function childEnv(port: number, dataDir: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
    GATEHOUSE_DATA_DIR: dataDir,
    ...extra,
  };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

function exited(child: ChildProcess, output: ReturnType<typeof collect>, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms; stderr: ${output.stderr()}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can precede the last 'data' events; 'close' follows them.
      child.once('close', () => resolve({ code, signal, stdout: output.stdout(), stderr: output.stderr() }));
      if (child.stdout === null || child.stdout.closed) {
        resolve({ code, signal, stdout: output.stdout(), stderr: output.stderr() });
      }
    });
  });
}

/** Runs `serve` expecting it to refuse to start. */
async function runExpectingExit(env: Record<string, string>): Promise<Exit> {
  const child = spawn(NODE, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  return exited(child, output, 15_000);
}

interface Serving {
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit. */
  stop(): Promise<Exit>;
}

/** Runs `serve` until it logs that it listens. */
async function startServing(env: Record<string, string>): Promise<Serving> {
  const child = spawn(NODE, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  let exit: Exit | undefined;
  const done = exited(child, output, 60_000).then((e) => {
    exit = e;
    return e;
  });
  const deadline = Date.now() + 20_000;
  while (!/"event":"listening"/.test(output.stdout())) {
    if (exit !== undefined) throw new Error(`the CLI exited (${exit.code}) before listening: ${exit.stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the CLI did not listen within 20 s; stderr: ${output.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: env['GATEHOUSE_ISSUER']!,
    stdout: output.stdout,
    stderr: output.stderr,
    async stop() {
      if (exit === undefined) child.kill('SIGTERM');
      return done;
    },
  };
}

describe('gatehouse serve refuses bad settings before listening, with one line naming the setting', {
  concurrency: 2,
}, () => {
  const cases: {
    name: string;
    env: (dir: string) => Record<string, string>;
    names: RegExp;
    secret?: string;
  }[] = [
    {
      name: 'an unparseable GATEHOUSE_ISSUER',
      env: () => ({ GATEHOUSE_ISSUER: 'not a url' }),
      names: /GATEHOUSE_ISSUER/,
    },
    {
      name: 'a non-http GATEHOUSE_ISSUER',
      env: () => ({ GATEHOUSE_ISSUER: 'ftp://auth.example.com' }),
      names: /GATEHOUSE_ISSUER/,
    },
    {
      name: 'a GATEHOUSE_ISSUER with a query',
      env: () => ({ GATEHOUSE_ISSUER: 'https://auth.example.com/?tenant=1' }),
      names: /GATEHOUSE_ISSUER/,
    },
    {
      name: 'an unknown GATEHOUSE_SIGNING_ALG (HS256)',
      env: () => ({ GATEHOUSE_SIGNING_ALG: 'HS256' }),
      names: /GATEHOUSE_SIGNING_ALG/,
    },
    {
      name: 'GATEHOUSE_SIGNING_ALG none',
      env: () => ({ GATEHOUSE_SIGNING_ALG: 'none' }),
      names: /GATEHOUSE_SIGNING_ALG/,
    },
    {
      name: 'NODE_ENV=production with a plain-http public GATEHOUSE_ISSUER',
      env: () => ({
        NODE_ENV: 'production',
        GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64'),
        GATEHOUSE_ISSUER: 'http://auth.example.com',
      }),
      names: /GATEHOUSE_ISSUER/,
    },
    {
      name: 'a GATEHOUSE_MASTER_KEY that is not base64',
      env: () => ({ GATEHOUSE_MASTER_KEY: 'not-base64-at-all!!' }),
      names: /GATEHOUSE_MASTER_KEY/,
      secret: 'not-base64-at-all!!',
    },
    {
      name: 'a GATEHOUSE_MASTER_KEY of 16 bytes',
      env: () => ({ GATEHOUSE_MASTER_KEY: randomBytes(16).toString('base64') }),
      names: /GATEHOUSE_MASTER_KEY/,
    },
    {
      name: 'NODE_ENV=production without a master key',
      env: () => ({ NODE_ENV: 'production' }),
      names: /GATEHOUSE_MASTER_KEY/,
    },
    {
      name: 'a config file that is not valid JSON',
      env: () => ({ GATEHOUSE_CONFIG: writeConfig('broken.json', '{"clients": [,]') }),
      names: /GATEHOUSE_CONFIG/,
    },
    {
      name: 'a config file that does not exist',
      env: () => ({ GATEHOUSE_CONFIG: join(scratch, 'missing.json') }),
      names: /GATEHOUSE_CONFIG/,
    },
    {
      name: 'a config file whose clients[0].client_secret is too short',
      env: () => ({
        GATEHOUSE_CONFIG: writeConfig(
          'short-secret.json',
          JSON.stringify({
            clients: [
              {
                client_id: 'web',
                client_secret: 'short-secret-xyz',
                redirect_uris: ['https://app.example.com/callback'],
              },
            ],
          }),
        ),
      }),
      names: /clients\[0\]\.client_secret/,
      secret: 'short-secret-xyz',
    },
    {
      name: 'a config file whose default_roles names an unknown role',
      env: () => ({
        GATEHOUSE_CONFIG: writeConfig(
          'unknown-role.json',
          JSON.stringify({ roles: { member: ['expenses:read'] }, default_roles: ['admin'] }),
        ),
      }),
      names: /default_roles\[0\]/,
    },
    {
      name: 'a config file with a negative token lifetime',
      env: () => ({
        GATEHOUSE_CONFIG: writeConfig('ttl.json', JSON.stringify({ tokens: { access_ttl: -5 } })),
      }),
      names: /tokens\.access_ttl/,
    },
    {
      name: 'a config file with a misspelt key (a typo must not silently keep sign-up open)',
      env: () => ({
        GATEHOUSE_CONFIG: writeConfig('typo.json', JSON.stringify({ signup: { enabeld: false } })),
      }),
      names: /GATEHOUSE_CONFIG: signup: .*enabeld/,
    },
    { name: 'a PORT that is not a number', env: () => ({ PORT: 'eighty' }), names: /\bPORT\b/ },
    {
      name: 'a GATEHOUSE_SMTP_URL that is not smtp',
      env: () => ({ GATEHOUSE_SMTP_URL: 'http://mail.example.com' }),
      names: /GATEHOUSE_SMTP_URL/,
    },
  ];

  for (const testCase of cases) {
    it(`exits non-zero on ${testCase.name}`, async () => {
      const dataDir = freshDataDir();
      const port = await freePort();
      const exit = await runExpectingExit(childEnv(port, dataDir, testCase.env(dataDir)));
      assert.notEqual(exit.code, 0, `exit code ${exit.code}`);
      assert.equal(exit.signal, null);
      const lines = exit.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `stderr has ${lines.length} lines:\n${exit.stderr}`);
      assert.match(lines[0]!, testCase.names);
      assert.doesNotMatch(exit.stdout, /"event":"listening"/);
      assert.equal(existsSync(dataDir), false, 'the data dir was created before the settings were checked');
      if (testCase.secret !== undefined) {
        assert.equal(exit.stderr.includes(testCase.secret), false, 'the error line echoes the secret');
      }
    });
  }
});

describe('gatehouse serve: a good start', () => {
  it('first start creates the db, a 0600 master key and signing keys; /health and discovery answer 200; a restart reuses them', async () => {
    const dataDir = freshDataDir();
    assert.equal(existsSync(dataDir), false);
    const port = await freePort();
    const env = childEnv(port, dataDir, {});
    const first = await startServing(env);
    let kids: string[];
    let masterKey: string;
    try {
      const health = await fetch(`${first.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const discovery = await fetch(`${first.url}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      const doc = (await discovery.json()) as { issuer: string; jwks_uri: string };
      assert.equal(doc.issuer, `http://127.0.0.1:${port}`);

      assert.ok(existsSync(join(dataDir, 'gatehouse.db')), 'no database file');
      const keyFile = join(dataDir, 'master.key');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'master.key is not mode 0600');
      assert.equal(statSync(dataDir).mode & 0o077, 0, 'the data dir is readable by others');
      masterKey = readFileSync(keyFile, 'utf8').trim();
      assert.equal(Buffer.from(masterKey, 'base64').length, 32);

      const jwks = (await (await fetch(doc.jwks_uri)).json()) as { keys: JWK[] };
      kids = jwks.keys.map((k) => k.kid ?? '');
      assert.ok(kids.length >= 1, 'no signing keys published');
      assert.equal(new Set(kids).size, kids.length, 'duplicate kids');
      for (const key of jwks.keys) {
        assert.equal(key.kty, 'RSA');
        assert.equal(key.alg, 'RS256');
        assert.equal(key.d, undefined, 'a private member is published');
      }
    } finally {
      const exit = await first.stop();
      assert.equal(exit.code, 0, `SIGTERM exit ${exit.code}: ${exit.stderr}`);
    }

    const second = await startServing(env);
    try {
      assert.equal(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), masterKey);
      const jwks = (await (await fetch(`${second.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      assert.deepEqual(
        jwks.keys.map((k) => k.kid),
        kids,
      );
    } finally {
      await second.stop();
    }
  });

  for (const [alg, kty] of [
    ['ES256', 'EC'],
    ['EdDSA', 'OKP'],
  ] as const) {
    it(`GATEHOUSE_SIGNING_ALG=${alg}: published keys and issued tokens use ${alg}`, async () => {
      const smtp = await startSmtpCapture();
      const port = await freePort();
      const server = await startServing(
        childEnv(port, freshDataDir(), { GATEHOUSE_SIGNING_ALG: alg, GATEHOUSE_SMTP_URL: smtp.url }),
      );
      try {
        const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
        assert.ok(jwks.keys.length >= 1);
        for (const key of jwks.keys) {
          assert.equal(key.kty, kty);
          assert.equal(key.alg, alg);
          assert.equal(key.d, undefined);
        }

        const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
          fetch(`${server.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body),
          });
        const email = `${alg.toLowerCase()}@example.com`;
        assert.equal((await post('/v1/signup', { email, password: PASSWORD })).status, 202);
        const code = extractCode((await smtp.waitFor({ to: email, kind: 'signup_code' }, 10_000)).text);
        assert.equal((await post('/v1/signup/confirm', { email, code })).status, 200);
        const signin = await post('/v1/signin', { email, password: PASSWORD });
        assert.equal(signin.status, 200);
        const tokens = (await signin.json()) as { access_token: string; id_token?: string };

        const header = decodeProtectedHeader(tokens.access_token);
        assert.equal(header.alg, alg);
        assert.equal(header.typ, 'at+jwt');
        assert.ok(
          jwks.keys.some((k) => k.kid === header.kid),
          'signed with an unpublished key',
        );
        assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, alg);
        assert.equal(decodeJwt(tokens.access_token).iss, server.url);

        const me = await fetch(`${server.url}/v1/me`, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
        assert.equal(me.status, 200, 'the server does not accept its own token');
      } finally {
        await server.stop();
        await smtp.close();
      }
    });
  }
});

/**
 * `npm run bench` (contract §10). Starts a Gatehouse in a child process on loopback and measures,
 * one phase after the other, with a fixed number of requests in flight from this process:
 *
 *   - raw argon2id hashes/s at ARGON2_PARAMS (the ceiling for password sign-in),
 *   - password sign-ins/s, refresh grants/s, client-credentials grants/s (over HTTP),
 *   - gatehouse/guard verifications/s beside raw jose jwtVerify with a local key.
 *
 * The two pairs compared by a ratio (sign-in vs argon2id, guard vs jose) run in alternating slices
 * so that load from elsewhere on the machine hits both sides alike. Prints a table and writes
 * bench/results/latest.json plus a timestamped copy (both gitignored). Exits 1 if any operation
 * failed: failures are counted and reported, never averaged away.
 * BENCH_SECONDS (default 5) sets each phase's duration; BENCH_CONCURRENCY (default 16) the load.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import { ARGON2_PARAMS } from '../src/core/passwords/hasher.ts';
import { createVerifier } from '../src/guard/index.ts';
import { measure, measureInterleaved, type Outcome } from './load.ts';
import {
  type BenchReport,
  formatTable,
  isSkipped,
  type PhaseOutcome,
  target,
  writeReport,
} from './report.ts';
import { type BenchServer, ROOT, startBenchServer } from './server.ts';

const SECONDS = positiveNumber('BENCH_SECONDS', 5);
const CONCURRENCY = Math.floor(positiveNumber('BENCH_CONCURRENCY', 16));
const WARMUP_SECONDS = Math.min(1, SECONDS / 5);
/** Alternating slices for the phases compared by a ratio. */
const ROUNDS = 5;
const USERS = 1000;
const PASSWORD = 'bench-password-7c1e9a';
const AUDIENCE = 'https://api.example.com';
const SERVICE_ID = 'bench-service';
const SERVICE_SECRET = randomBytes(36).toString('base64url'); // 48 characters

const CONFIG = {
  clients: [
    {
      client_id: 'app',
      token_endpoint_auth_method: 'none',
      audience: AUDIENCE,
      scopes: ['openid', 'profile', 'email', 'offline_access', 'expenses:read', 'expenses:write'],
      grant_types: ['authorization_code', 'refresh_token'],
      first_party: true,
    },
    {
      client_id: SERVICE_ID,
      client_secret: SERVICE_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      audience: AUDIENCE,
      scopes: ['expenses:read'],
      grant_types: ['client_credentials'],
    },
  ],
  default_client: 'app',
  roles: { admin: ['expenses:read', 'expenses:write'], member: ['expenses:read'] },
  default_roles: ['member'],
};

interface TokenResponseJson {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: must be a positive number`);
  return value;
}

/** A failure label that says what went wrong without dumping bodies (which may hold tokens). */
async function failureOf(res: Response): Promise<string> {
  const text = await res.text();
  let code = '';
  try {
    const body = JSON.parse(text) as { code?: unknown; error?: unknown };
    code = String(body.code ?? body.error ?? '');
  } catch {
    // not JSON
  }
  return `HTTP ${res.status}${code === '' ? '' : ` ${code}`}`;
}

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const emails = Array.from({ length: USERS }, (_, i) => `bench-user-${i}@example.com`);
  console.error(`bench: seeding ${USERS} users and starting the server…`);
  const server = await startBenchServer({ config: CONFIG, users: { emails, password: PASSWORD } });
  const stopOnSignal = () => void server.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await runPhases(server, emails, startedAt);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await server.stop();
  }
}

async function runPhases(server: BenchServer, emails: string[], startedAt: Date): Promise<number> {
  const phases: Record<string, PhaseOutcome> = {};
  const rssAfter: BenchReport['server_rss_mb_after_phase'] = {};
  const mb = (kib: number) => Math.round((kib / 1024) * 10) / 10;
  const noteMemory = (phase: string) => {
    const memory = server.memory();
    rssAfter[phase] = memory === null ? null : { peak: mb(memory.peakKiB), current: mb(memory.currentKiB) };
  };
  const run = async (name: string, op: (worker: number) => Promise<Outcome>): Promise<void> => {
    console.error(`bench: ${name} (${SECONDS} s)…`);
    phases[name] = await measure({
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      concurrency: CONCURRENCY,
      op,
    });
  };
  /** Two phases compared by a ratio run in alternating slices (see measureInterleaved). */
  const runPair = async <K extends string>(ops: Record<K, (worker: number) => Promise<Outcome>>) => {
    console.error(`bench: ${Object.keys(ops).join(' / ')} (${SECONDS} s each, interleaved)…`);
    Object.assign(
      phases,
      await measureInterleaved(ops, {
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        concurrency: CONCURRENCY,
        rounds: ROUNDS,
      }),
    );
  };
  noteMemory('startup');

  // 1. Password sign-in, round-robin over many users so the per-email throttle never matters,
  //    beside its ceiling: argon2id at the server's parameters, same concurrency, in this process.
  const recent: TokenResponseJson[] = [];
  let nextUser = 0;
  const signIn = async (): Promise<TokenResponseJson | string> => {
    const email = emails[nextUser++ % emails.length];
    const res = await postJson(`${server.url}/v1/signin`, { email, password: PASSWORD });
    if (res.status !== 200) return failureOf(res);
    const tokens = (await res.json()) as TokenResponseJson;
    return typeof tokens.access_token === 'string' && typeof tokens.refresh_token === 'string'
      ? tokens
      : 'HTTP 200 without tokens';
  };
  await runPair({
    argon2id_hash_raw: async () => {
      await hash(PASSWORD, ARGON2_PARAMS);
      return true;
    },
    password_signin: async () => {
      const result = await signIn();
      if (typeof result === 'string') return result;
      recent.push(result);
      if (recent.length > 4 * CONCURRENCY) recent.shift();
      return true;
    },
  });
  noteMemory('password_signin');

  // 2. Refresh: each worker follows its own rotation chain (a token is spent by its use).
  while (recent.length < CONCURRENCY) {
    const result = await signIn();
    if (typeof result === 'string') throw new Error(`sign-in for refresh chains failed: ${result}`);
    recent.push(result);
  }
  const chains = recent.slice(-CONCURRENCY);
  await run('refresh_grant', async (worker) => {
    const current = chains[worker];
    if (current?.refresh_token === undefined) return 'no refresh token';
    const res = await postJson(`${server.url}/v1/refresh`, { refresh_token: current.refresh_token });
    if (res.status !== 200) {
      const failure = await failureOf(res);
      // Start a new chain so one failure does not become a spin of failures.
      const fresh = await signIn();
      if (typeof fresh !== 'string') chains[worker] = fresh;
      return failure;
    }
    const tokens = (await res.json()) as TokenResponseJson;
    if (typeof tokens.refresh_token !== 'string') return 'HTTP 200 without refresh_token';
    chains[worker] = tokens;
    return true;
  });
  noteMemory('refresh_grant');

  // 3. Client credentials, when the server has the token endpoint.
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(SERVICE_ID)}:${encodeURIComponent(SERVICE_SECRET)}`).toString('base64')}`;
  const clientCredentials = () =>
    fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=expenses%3Aread',
    });
  const probe = await clientCredentials();
  if (probe.status === 404) {
    await probe.body?.cancel();
    phases['client_credentials_grant'] = { skipped: 'endpoint not available' };
  } else if (probe.status !== 200) {
    // Present but refusing a correct request: a throughput of errors would mean nothing.
    phases['client_credentials_grant'] = { skipped: `probe answered ${await failureOf(probe)}` };
  } else {
    // The grant must yield a token the toolkit accepts, with the client as its subject.
    const issued = (await probe.json()) as TokenResponseJson;
    const claims = await createVerifier({ issuer: server.url, audience: AUDIENCE }).verify(
      issued.access_token,
    );
    if (claims.sub !== SERVICE_ID) throw new Error(`client_credentials token has sub ${claims.sub}`);
    await run('client_credentials_grant', async () => {
      const res = await clientCredentials();
      if (res.status !== 200) return failureOf(res);
      const tokens = (await res.json()) as TokenResponseJson;
      return typeof tokens.access_token === 'string' ? true : 'HTTP 200 without access_token';
    });
  }
  noteMemory('client_credentials_grant');

  // 4. Verification in this process: the toolkit (keys via discovery from the live server)
  //    beside jose with the same key imported locally and the same checks.
  const tokens = chains.map((t) => t.access_token);
  const verifier = createVerifier({ issuer: server.url, audience: AUDIENCE });
  for (const token of tokens) await verifier.verify(token); // fails loudly if anything is off
  const header = decodeProtectedHeader(tokens[0] ?? '');
  const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (jwk === undefined || header.alg === undefined) throw new Error('signing key not in the JWKS');
  const localKey = await importJWK(jwk, header.alg);
  const joseOptions = {
    issuer: server.url,
    audience: AUDIENCE,
    algorithms: [header.alg],
    typ: 'at+jwt',
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
  };
  await runPair({
    guard_verify: async (worker) => {
      await verifier.verify(tokens[worker % tokens.length] ?? '');
      return true;
    },
    jose_verify_raw: async (worker) => {
      await jwtVerify(tokens[worker % tokens.length] ?? '', localKey, joseOptions);
      return true;
    },
  });

  // Memory, then the report.
  const serverMemory = server.memory();
  const benchPeakMb = mb(process.resourceUsage().maxRSS);
  const perSecond = (name: string): number | null => {
    const phase = phases[name];
    return phase === undefined || isSkipped(phase) ? null : phase.per_second;
  };
  const cpuList = cpus();
  const finishedAt = new Date();
  const report: BenchReport = {
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    wall_seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpuList.length,
      cpu_model: cpuList[0]?.model.trim() ?? 'unknown',
      uv_threadpool_size: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4),
      seconds_per_phase: SECONDS,
      warmup_seconds_per_phase: WARMUP_SECONDS,
      interleaved_rounds: ROUNDS,
      concurrency: CONCURRENCY,
      users: emails.length,
      signing_alg: header.alg,
      argon2_memory_kib: ARGON2_PARAMS.memoryCost,
      argon2_time_cost: ARGON2_PARAMS.timeCost,
      argon2_parallelism: ARGON2_PARAMS.parallelism,
      server: 'node src/runtime/cli.ts serve (child process), SQLite in a temp dir, outbox mail',
      client: 'fetch (undici keep-alive) from the bench process over loopback',
    },
    phases,
    targets: {
      signin_vs_argon2: target(
        'sign-ins/s ÷ raw argon2id hashes/s',
        perSecond('password_signin'),
        perSecond('argon2id_hash_raw'),
        0.9,
      ),
      refresh_vs_1200: target(
        'refresh grants/s ÷ 1,200/s (RS256, 2 cores)',
        perSecond('refresh_grant'),
        1200,
        1,
        `this machine: ${cpuList.length} CPU, shared by the server and the load generator`,
      ),
      guard_vs_jose: target(
        'guard verifications/s ÷ raw jose verifications/s',
        perSecond('guard_verify'),
        perSecond('jose_verify_raw'),
        0.9,
      ),
    },
    peak_rss_mb: { server: serverMemory === null ? null : mb(serverMemory.peakKiB), bench: benchPeakMb },
    server_rss_mb_after_phase: rssAfter,
  };
  const files = writeReport(join(ROOT, 'bench', 'results'), report);
  console.log(formatTable(report));
  console.log(`\nresults: ${files.map((f) => f.slice(ROOT.length + 1)).join(', ')}`);

  const failures = Object.values(phases).reduce((n, p) => n + (isSkipped(p) ? 0 : p.failures), 0);
  if (failures > 0) {
    console.error(`bench: ${failures} operations failed; the numbers above are not trustworthy`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exitCode = 1;
  },
);

/**
 * The Gatehouse under test: `node src/runtime/cli.ts serve` in a child process (its own event
 * loop and thread pool, as in production), on loopback, with a temp data dir and no SMTP (mails
 * go to the outbox). Users are seeded into its SQLite file before it starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.ts';
import { newUserId } from '../src/core/accounts/user-id.ts';
import { silentLogger } from '../src/core/log.ts';
import { checkNewPassword } from '../src/core/passwords/policy.ts';
import { createCore } from '../src/runtime/bootstrap.ts';

export const ROOT = join(import.meta.dirname, '..');

export interface BenchServer {
  url: string;
  pid: number;
  dataDir: string;
  /** VmHWM / VmRSS of the server process in KiB (Linux), or null elsewhere. */
  memory(): { peakKiB: number; currentKiB: number } | null;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** The GATEHOUSE_CONFIG file's contents. */
  config: unknown;
  users: { emails: readonly string[]; password: string; roles?: string[] };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The server's environment: this process's, minus any GATEHOUSE_* the caller had set. */
function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GATEHOUSE_') && key !== 'PORT' && key !== 'HOST' && key !== 'NODE_ENV')
      env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Creates verified users the way `gatehouse users create --email E --password P` does (the same
 * core and store calls), in one process instead of one per user. They share one argon2id hash of
 * the same password: a sign-in verifies it at full cost all the same.
 */
async function seedUsers(env: NodeJS.ProcessEnv, users: BenchServerOptions['users']): Promise<void> {
  const config = loadConfig(env, ROOT);
  const core = await createCore(config, { logger: silentLogger });
  try {
    const checked = checkNewPassword(users.password);
    if (!checked.ok) throw new Error(`bench password refused: ${checked.detail ?? checked.code}`);
    const passwordHash = await core.passwords.hash(checked.value);
    const now = core.clock.now();
    for (const email of users.emails) {
      const created = await core.store.createUser({
        id: newUserId(core.random),
        email,
        emailVerified: true,
        name: null,
        passwordHash,
        roles: users.roles ?? config.defaultRoles,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      });
      if (created === 'email_taken') throw new Error(`seed: ${email} exists already`);
    }
  } finally {
    await core.store.close();
  }
}

function readStatusKiB(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

export function processMemory(pid: number): { peakKiB: number; currentKiB: number } | null {
  const peakKiB = readStatusKiB(pid, 'VmHWM');
  const currentKiB = readStatusKiB(pid, 'VmRSS');
  return peakKiB === null || currentKiB === null ? null : { peakKiB, currentKiB };
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(options.config));
  const env = serverEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEHOUSE_ISSUER: url,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_CONFIG: configFile,
  });
  let child: ChildProcess | undefined;
  try {
    await seedUsers(env, options.users);
    // process.execPath: the pinned Node 24 that runs this bench (type stripping).
    child = spawn(process.execPath, ['src/runtime/cli.ts', 'serve'], {
      cwd: ROOT,
      env,
      // The server logs a JSON line per request: it still writes them (a real cost), to /dev/null.
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const started = child;
    let stderr = '';
    started.stderr?.setEncoding('utf8');
    started.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    const exited = new Promise<never>((_, reject) => {
      started.once('exit', (code, signal) =>
        reject(new Error(`server exited early (${code ?? signal}): ${stderr.trim()}`)),
      );
    });
    exited.catch(() => {}); // observed below via Promise.race; silence the unhandled rejection
    await Promise.race([waitForHealth(url, 20_000), exited]);
    const pid = started.pid;
    if (pid === undefined) throw new Error('server has no pid');
    return {
      url,
      pid,
      dataDir,
      memory: () => processMemory(pid),
      async stop() {
        await stopChild(started);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child !== undefined) await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * (attempt + 1), 250)));
  }
  throw new Error(`server at ${url} not healthy within ${timeoutMs} ms`);
}

/** SIGTERM (the CLI closes the server and the store), SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

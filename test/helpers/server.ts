import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { Core } from '../../src/core/context.ts';
import type { BootstrapOverrides } from '../../src/runtime/bootstrap.ts';
import { startNodeServer } from '../../src/runtime/node-server.ts';
import { extractCode, type SmtpCapture, startSmtpCapture } from './smtp-capture.ts';

export interface TestServer {
  /** Base URL, equal to the issuer. */
  url: string;
  dataDir: string;
  smtp: SmtpCapture;
  /** The server's core: lets protocol tests set up state (e.g. a browser session) directly. */
  core: Core;
  /** POST JSON and return the Response. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Sign up, read the code from the captured mail, confirm; returns the email. */
  createConfirmedUser(email: string, password: string): Promise<void>;
  signIn(email: string, password: string, extra?: Record<string, unknown>): Promise<TokenResponseJson>;
  close(): Promise<void>;
}

export interface TokenResponseJson {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

export interface TestServerOptions {
  /** Contents of the JSON config file (GATEHOUSE_CONFIG). */
  config?: unknown;
  env?: Record<string, string>;
  overrides?: BootstrapOverrides;
  /**
   * Host name in the default issuer URL (the server always listens on 127.0.0.1, which is what
   * `localhost` resolves to here). Real-browser tests pick 'localhost': a WebAuthn RP ID cannot be
   * an IP address, and it leaves 127.0.0.1 free to play a different site.
   */
  issuerHost?: '127.0.0.1' | 'localhost';
}

/**
 * A free loopback port for a server whose URL must be known before it listens (the issuer).
 * Chosen at random below Linux's ephemeral range (32768+): ports the kernel hands out for
 * `listen(0)` and outgoing connections in parallel test processes then never collide with it,
 * which sequential kernel picks did. The probe bind catches ports already taken.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A real Gatehouse on loopback: real SQLite in a temp dir, real SMTP capture, real HTTP. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const smtp = await startSmtpCapture();
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    GATEHOUSE_ISSUER: `http://${options.issuerHost ?? '127.0.0.1'}:${port}`,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_SMTP_URL: smtp.url,
    ...options.env,
  };
  if (options.config !== undefined) {
    const file = join(dataDir, 'config.json');
    writeFileSync(file, JSON.stringify(options.config));
    env['GATEHOUSE_CONFIG'] = file;
  }
  const { silentLogger } = await import('../../src/core/log.ts');
  let server: Awaited<ReturnType<typeof startNodeServer>>;
  try {
    server = await startNodeServer(loadConfig(env), { logger: silentLogger, ...options.overrides });
  } catch (error) {
    // An open SMTP capture would keep the test process alive forever after a failed start.
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = env['GATEHOUSE_ISSUER'] ?? server.url;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });
  return {
    url,
    dataDir,
    smtp,
    core: server.core,
    post,
    get,
    async createConfirmedUser(email, password) {
      const signup = await post('/v1/signup', { email, password });
      if (signup.status !== 202) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
      const mail = await smtp.waitFor({ to: email, kind: 'signup_code' });
      const confirm = await post('/v1/signup/confirm', { email, code: extractCode(mail.text) });
      if (confirm.status !== 200)
        throw new Error(`confirm answered ${confirm.status}: ${await confirm.text()}`);
    },
    async signIn(email, password, extra = {}) {
      const response = await post('/v1/signin', { email, password, ...extra });
      if (response.status !== 200)
        throw new Error(`signin answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as TokenResponseJson;
    },
    async close() {
      await server.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

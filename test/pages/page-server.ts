/**
 * A real Gatehouse for page tests: real SQLite in a temp dir, real SMTP capture, real HTTP, with
 * the hosted pages mounted on the app the way the lead wires them (until `createApp` mounts them
 * itself; a second mount is then unreachable and harmless).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { loadConfig } from '../../src/config/load.ts';
import { confirmSignUp } from '../../src/core/accounts/confirm-email.ts';
import { signUp } from '../../src/core/accounts/sign-up.ts';
import type { Core } from '../../src/core/context.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createApp } from '../../src/http/app.ts';
import type { ClientIpResolver } from '../../src/http/env.ts';
import { createCore } from '../../src/runtime/bootstrap.ts';
import { freePort } from '../helpers/server.ts';
import { extractCode, type SmtpCapture, startSmtpCapture } from '../helpers/smtp-capture.ts';

export interface PageServer {
  /** Base URL; also the issuer unless `issuer` was given. */
  url: string;
  /** The issuer's origin: what a same-origin browser sends as `Origin`. */
  origin: string;
  core: Core;
  smtp: SmtpCapture;
  /** A confirmed password account made through the core (pages are what's under test). */
  createConfirmedUser(email: string, password: string, name?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startPageServer(
  options: { config?: unknown; issuer?: (port: number) => string } = {},
): Promise<PageServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-pages-'));
  const smtp = await startSmtpCapture();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    GATEHOUSE_ISSUER: options.issuer?.(port) ?? url,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_SMTP_URL: smtp.url,
  };
  if (options.config !== undefined) {
    const file = join(dataDir, 'config.json');
    writeFileSync(file, JSON.stringify(options.config));
    env['GATEHOUSE_CONFIG'] = file;
  }
  let core: Core;
  try {
    core = await createCore(loadConfig(env), { logger: silentLogger });
  } catch (error) {
    // A refused config must not leave the SMTP listener keeping the test process alive.
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const clientIp: ClientIpResolver = (c) => getConnInfo(c).remote.address ?? null;
  const app = createApp(core, { clientIp });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', (error) => {
      void smtp.close();
      void core.store.close();
      reject(error);
    });
  });
  const pageServer: PageServer = {
    url,
    origin: new URL(core.config.issuer).origin,
    core,
    smtp,
    async createConfirmedUser(email, password, name) {
      const created = await signUp(core, { email, password, name });
      if (!created.ok) throw new Error(`signUp failed: ${created.code}`);
      const mail = await smtp.waitFor({ to: email, kind: 'signup_code' });
      const confirmed = await confirmSignUp(core, { email, code: extractCode(mail.text) });
      if (!confirmed.ok) throw new Error(`confirmSignUp failed: ${confirmed.code}`);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await core.store.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return pageServer;
}

/**
 * Real-browser tests: Debian's Chromium driven by playwright-core (no downloaded browsers).
 *
 *   const chromium = browserPerFile();
 *   after(() => chromium.close());
 *
 *   test('…', async (t) => {
 *     const browser = await chromium.get(t);
 *     if (browser === null) return; // skipped: no Chromium on this machine
 *     const context = await browser.newContext();
 *     …
 *     await saveScreenshot(page, 'sign-in');
 *   });
 *
 * One browser per test file (launching costs about a second), a fresh context per test (contexts
 * share nothing: cookies, storage and cache are per context).
 *
 * Cookies: Gatehouse's session cookie is `__Host-…; Secure`. Chromium stores Secure cookies set
 * over plain http by `localhost` and by `127.0.0.1` alike (both are "potentially trustworthy"
 * origins; checked with Chromium 156), so either works as the issuer host. Browser tests use
 * `startTestServer({ issuerHost: 'localhost' })`: WebAuthn refuses IP addresses as RP IDs, and
 * `http://127.0.0.1:<other port>` is then a different *site*, handy to play an attacker or a client.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type ConsoleMessage, chromium, type Page } from 'playwright-core';

/** Debian's package; GATEHOUSE_CHROMIUM_PATH points elsewhere (another OS, or to try the skip path). */
export const CHROMIUM_PATH = process.env['GATEHOUSE_CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium tries to reach Google services (component
 * updates, sync, variations) and, with no network here, logs refused connections all through
 * the run. QUIC off for the same reason.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumUnavailable(): string | null {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return null;
  } catch {
    return `no Chromium at ${CHROMIUM_PATH} (install Debian's "chromium" package or set GATEHOUSE_CHROMIUM_PATH)`;
  }
}

/**
 * The guard at the top of every browser test: true when Chromium is there. Otherwise the test
 * is skipped with the reason printed, or fails with it when GATEHOUSE_TEST_STRICT=1 (CI), so a
 * CI image that lost its browser cannot pass by skipping everything.
 */
export function browserOrSkip(t: TestContext): boolean {
  const reason = chromiumUnavailable();
  if (reason === null) return true;
  if (process.env['GATEHOUSE_TEST_STRICT'] === '1') throw new Error(`GATEHOUSE_TEST_STRICT=1: ${reason}`);
  t.skip(reason);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export interface SharedBrowser {
  /** The file's browser, launched on first use; null (test skipped) when there is no Chromium. */
  get(t: TestContext): Promise<Browser | null>;
  close(): Promise<void>;
}

/** One browser for a test file; call `close()` from `after()`. */
export function browserPerFile(): SharedBrowser {
  let launched: Promise<Browser> | undefined;
  return {
    async get(t) {
      if (!browserOrSkip(t)) return null;
      launched ??= launchChromium();
      return launched;
    },
    async close() {
      if (launched !== undefined) await (await launched).close();
    },
  };
}

/** Full-page PNG in test-artifacts/screenshots/<name>.png (gitignored); returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name ${name}: use a-z, 0-9 and -`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  /** A top-level or frame navigation rather than a subresource. */
  navigation: boolean;
}

export interface TrafficRecord {
  /** Every request any page of the context made, in order. */
  requests: RecordedRequest[];
  /** Console messages of type error or warning, as "type: text". */
  consoleProblems: string[];
  /** Console messages about Content Security Policy (Chromium logs every violation). */
  cspViolations: string[];
  /** Uncaught exceptions in page scripts. */
  pageErrors: string[];
}

/** Records the context's requests and console output, for "nothing external, nothing blocked" checks. */
export function recordTraffic(context: BrowserContext): TrafficRecord {
  const record: TrafficRecord = { requests: [], consoleProblems: [], cspViolations: [], pageErrors: [] };
  context.on('request', (request) => {
    record.requests.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      navigation: request.isNavigationRequest(),
    });
  });
  const onConsole = (message: ConsoleMessage) => {
    const text = message.text();
    if (/content security policy/i.test(text)) record.cspViolations.push(text);
    if (message.type() === 'error' || message.type() === 'warning')
      record.consoleProblems.push(`${message.type()}: ${text}`);
  };
  context.on('console', onConsole);
  context.on('weberror', (error) => record.pageErrors.push(String(error.error())));
  return record;
}

/** A tiny loopback HTTP server: a relying party's callback or an attacker's site. */
export interface LoopbackSite {
  origin: string;
  /** Every request URL it received, in order. */
  hits: URL[];
  /** HTML answered at a path (anything else gets a plain "back at the app" page). */
  pages: Map<string, string>;
  close(): Promise<void>;
}

export async function startLoopbackSite(): Promise<LoopbackSite> {
  const hits: URL[] = [];
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(pages.get(url.pathname) ?? '<!doctype html><title>Example app</title><p>Back at the app.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    pages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JavaScript expression run in the page (a string: this program has no DOM types). */
export function inPage<T = unknown>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

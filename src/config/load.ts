import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  type DatabaseConfig,
  type GatehouseConfig,
  SIGNING_ALGS,
  type SigningAlg,
} from './config.ts';
import { type ClientConfig, type FileConfig, fileConfigSchema } from './file-schema.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the environment and the optional JSON file; throws ConfigError naming the bad setting. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): GatehouseConfig {
  const port = parsePort(env['PORT']);
  const production = env['NODE_ENV'] === 'production';
  const issuer = parseIssuer(env['GATEHOUSE_ISSUER'] ?? `http://localhost:${port}`, production);
  const dataDir = resolve(cwd, env['GATEHOUSE_DATA_DIR'] ?? '.gatehouse');
  const file = readFileConfig(env['GATEHOUSE_CONFIG'], cwd);
  const issuerUrl = new URL(issuer);
  const masterKey = parseMasterKey(env['GATEHOUSE_MASTER_KEY']);
  if (production && masterKey === null) {
    throw new ConfigError('GATEHOUSE_MASTER_KEY: required when NODE_ENV=production (dev keys are refused)');
  }
  const { clients, defaultClient } = resolveClients(file);
  return {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    issuer,
    dataDir,
    database: parseDatabase(env['GATEHOUSE_DATABASE'], dataDir),
    smtpUrl: parseSmtpUrl(env['GATEHOUSE_SMTP_URL']),
    emailFrom: env['GATEHOUSE_EMAIL_FROM'] ?? 'Gatehouse <no-reply@localhost>',
    masterKey,
    signingAlg: parseSigningAlg(env['GATEHOUSE_SIGNING_ALG']),
    rpId: env['GATEHOUSE_RP_ID'] ?? issuerUrl.hostname,
    rpOrigins: parseOrigins(env['GATEHOUSE_RP_ORIGINS']) ?? [issuerUrl.origin],
    production,
    clients,
    defaultClient,
    roles: file.roles,
    defaultRoles: file.default_roles,
    providers: file.providers,
    signup: file.signup,
    tokens: file.tokens,
    keys: file.keys,
    brand: file.brand,
  };
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('PORT: must be an integer 0-65535');
  return port;
}

function parseIssuer(raw: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('GATEHOUSE_ISSUER: not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('GATEHOUSE_ISSUER: must be an http(s) URL');
  }
  if (url.search !== '' || url.hash !== '')
    throw new ConfigError('GATEHOUSE_ISSUER: must have no query or fragment');
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (production && url.protocol !== 'https:' && !loopback) {
    throw new ConfigError('GATEHOUSE_ISSUER: must be https when NODE_ENV=production');
  }
  return raw.endsWith('/') && url.pathname === '/' ? raw.slice(0, -1) : raw;
}

function parseMasterKey(raw: string | undefined): Uint8Array | null {
  if (raw === undefined || raw === '') return null;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64').replace(/=+$/, '') !== raw.trim().replace(/=+$/, '')) {
    throw new ConfigError('GATEHOUSE_MASTER_KEY: must be base64 of exactly 32 bytes');
  }
  return new Uint8Array(bytes);
}

function parseSigningAlg(raw: string | undefined): SigningAlg {
  if (raw === undefined || raw === '') return 'RS256';
  if (!(SIGNING_ALGS as readonly string[]).includes(raw)) {
    throw new ConfigError(`GATEHOUSE_SIGNING_ALG: must be one of ${SIGNING_ALGS.join(', ')}`);
  }
  return raw as SigningAlg;
}

function parseDatabase(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw === '') return { kind: 'sqlite', path: resolve(dataDir, 'gatehouse.db') };
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('GATEHOUSE_DATABASE: sqlite: needs a path');
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(dataDir, '..', path) };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('GATEHOUSE_DATABASE: not sqlite:PATH, postgres://… or dynamodb://TABLE');
  }
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return { kind: 'postgres', url: raw };
  if (url.protocol === 'dynamodb:') {
    const table = url.hostname;
    if (table === '') throw new ConfigError('GATEHOUSE_DATABASE: dynamodb:// needs a table name');
    return {
      kind: 'dynamodb',
      table,
      region: url.searchParams.get('region') ?? 'us-east-1',
      endpoint: url.searchParams.get('endpoint'),
    };
  }
  throw new ConfigError('GATEHOUSE_DATABASE: not sqlite:PATH, postgres://… or dynamodb://TABLE');
}

function parseSmtpUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  try {
    const url = new URL(raw);
    if (url.protocol === 'smtp:' || url.protocol === 'smtps:') return raw;
  } catch {
    // fall through to the one-line error
  }
  throw new ConfigError('GATEHOUSE_SMTP_URL: must be smtp://host:port or smtps://host:port');
}

function parseOrigins(raw: string | undefined): string[] | null {
  if (raw === undefined || raw === '') return null;
  return raw.split(',').map((entry) => {
    try {
      return new URL(entry.trim()).origin;
    } catch {
      throw new ConfigError(`GATEHOUSE_RP_ORIGINS: "${entry.trim()}" is not an origin`);
    }
  });
}

function readFileConfig(path: string | undefined, cwd: string): FileConfig {
  if (path === undefined || path === '') return fileConfigSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(cwd, path), 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ConfigError(`GATEHOUSE_CONFIG: ${path} ${reason}`);
  }
  const parsed = fileConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `GATEHOUSE_CONFIG: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** With no clients configured, the built-in public client `app` serves the JSON API (§1). */
function resolveClients(file: FileConfig): { clients: ClientConfig[]; defaultClient: string | null } {
  if (file.clients.length === 0) {
    const roleScopes = Object.values(file.roles).flat();
    const app: ClientConfig = {
      client_id: 'app',
      token_endpoint_auth_method: 'none',
      redirect_uris: [],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: [...new Set(['openid', 'profile', 'email', 'offline_access', ...roleScopes])],
      first_party: true,
    };
    return { clients: [app], defaultClient: file.default_client ?? 'app' };
  }
  const ids = file.clients.map((c) => c.client_id);
  const fallback = ids.includes('app') ? 'app' : null;
  return { clients: file.clients, defaultClient: file.default_client ?? fallback };
}

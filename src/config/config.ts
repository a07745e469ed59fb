import type { ClientConfig, FileConfig } from './file-schema.ts';

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'dynamodb'; table: string; region: string; endpoint: string | null };

/** Everything Gatehouse runs with: environment (§1) merged with the JSON file. */
export interface GatehouseConfig {
  port: number;
  host: string;
  /** Exactly as it appears in `iss`; no trailing slash unless given. */
  issuer: string;
  dataDir: string;
  database: DatabaseConfig;
  smtpUrl: string | null;
  emailFrom: string;
  /** 32 bytes, or null when none was given (dev: the runtime generates one into the data dir). */
  masterKey: Uint8Array | null;
  signingAlg: SigningAlg;
  rpId: string;
  rpOrigins: string[];
  production: boolean;
  clients: ClientConfig[];
  /** The client the JSON API uses when a request names none; null when there is none. */
  defaultClient: string | null;
  roles: FileConfig['roles'];
  defaultRoles: string[];
  providers: FileConfig['providers'];
  signup: FileConfig['signup'];
  tokens: FileConfig['tokens'];
  keys: FileConfig['keys'];
  brand: FileConfig['brand'];
}

/** A bad setting; the message is the one line start-up prints (names the variable or JSON path). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

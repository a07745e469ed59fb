/**
 * A small, real OIDC issuer for guard tests: a node:http server on 127.0.0.1 serving discovery and
 * a JWKS built from jose-generated keys, plus a signer for tokens. It stands in for Gatehouse's
 * issuing side only; the guard under test talks to it over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  SignJWT,
} from 'jose';

export type TestAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** How the JWKS endpoint behaves: serve keys, fail with 500, or accept and never answer. */
export type JwksMode = 'ok' | 'error' | 'hang';

export async function generateTestKey(
  alg: TestAlg,
  kid = `${alg.toLowerCase()}-${randomUUID()}`,
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** A plain JSON server that counts requests (also used as the attacker's JWKS host). */
export class JsonServer {
  readonly server: Server;
  requests = 0;
  readonly paths: string[] = [];
  #handler: (req: IncomingMessage, res: ServerResponse) => void;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#handler = handler;
    this.server = createServer((req, res) => {
      this.requests += 1;
      this.paths.push(req.url ?? '');
      this.#handler(req, res);
    });
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export class TestIssuer {
  readonly keys = new Map<string, TestKey>();
  /** kids currently listed in the JWKS (a key may exist for signing yet be unpublished). */
  readonly published = new Set<string>();
  jwksMode: JwksMode = 'ok';
  /** Overrides the `issuer` the discovery document claims. */
  discoveryIssuer: string | undefined;
  discoveryRequests = 0;
  jwksRequests = 0;
  readonly #http: JsonServer;

  private constructor() {
    this.#http = new JsonServer((req, res) => this.#handle(req, res));
  }

  static async start(algs: readonly TestAlg[] = ['RS256', 'ES256', 'EdDSA']): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    await issuer.#http.listen();
    for (const alg of algs) await issuer.addKey(alg);
    return issuer;
  }

  get issuer(): string {
    return this.#http.url;
  }

  /** The first key of this algorithm. */
  key(alg: TestAlg): TestKey {
    for (const key of this.keys.values()) if (key.alg === alg) return key;
    throw new Error(`no ${alg} key`);
  }

  async addKey(
    alg: TestAlg,
    { publish = true, kid }: { publish?: boolean; kid?: string } = {},
  ): Promise<TestKey> {
    const key = await generateTestKey(alg, kid);
    this.keys.set(key.kid, key);
    if (publish) this.published.add(key.kid);
    return key;
  }

  /** Standard access-token claims for `nowMs`, overridable; `undefined` values remove a claim. */
  claims(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const iat = Math.floor(nowMs / 1000);
    const base: Record<string, unknown> = {
      iss: this.issuer,
      sub: 'user-123',
      aud: 'https://api.example.test',
      iat,
      exp: iat + 300,
      jti: randomUUID(),
      client_id: 'client-abc',
      scope: 'openid email orders:read',
      roles: ['admin', 'billing'],
      sid: 'session-1',
      email: 'ada@example.test',
    };
    const merged = { ...base, ...overrides };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    return merged;
  }

  async sign(
    key: TestKey,
    options: { nowMs?: number; claims?: Record<string, unknown>; header?: Partial<JWTHeaderParameters> } = {},
  ): Promise<string> {
    const payload = this.claims(options.nowMs ?? Date.now(), options.claims);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header })
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/.well-known/openid-configuration') {
      this.discoveryRequests += 1;
      sendJson(res, {
        issuer: this.discoveryIssuer ?? this.issuer,
        jwks_uri: `${this.issuer}/jwks`,
        id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      });
      return;
    }
    if (req.url === '/jwks') {
      this.jwksRequests += 1;
      if (this.jwksMode === 'hang') return; // hold the socket open, never answer
      if (this.jwksMode === 'error') {
        sendJson(res, { error: 'boom' }, 500);
        return;
      }
      const keys = [...this.published].map((kid) => this.keys.get(kid)!.publicJwk);
      sendJson(res, { keys });
      return;
    }
    sendJson(res, { error: 'not_found' }, 404);
  }
}

/** base64url of a JSON value, for hand-built (forged) tokens. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import Provider, { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from '../helpers/server.ts';

/**
 * A real OpenID provider on loopback (panva's oidc-provider, certified) standing in for Google,
 * Apple or any OIDC provider. The test decides who signs in (`nextLogin`) and with which claims
 * (`accounts`); interactions complete without a page. In front of it sit two test-only hooks:
 * - Apple's client authentication: the token request must carry, as `client_secret`, an ES256
 *   JWT signed with the Apple key (iss team id, sub client id, aud issuer, kid key id); it is
 *   verified with jose and only then swapped for the secret the provider knows. A wrong JWT
 *   gets `invalid_client`, so Gatehouse signing it wrongly fails the sign-in.
 * - `tamper`: rewrites the next ID tokens the token endpoint returns (claims, header, or the key
 *   signing them), to prove Gatehouse refuses them.
 */

export interface UpstreamAccount {
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** null: a consumer Google account on a non-Gmail address (no `hd`, so Google isn't authoritative). */
  hd?: string | null;
  is_private_email?: boolean | string;
}

export interface Tamper {
  claims?: (claims: JWTPayload) => JWTPayload;
  /**
   * Sign with a key the provider never published (same kid), not at all, or with HS256 keyed by
   * a secret the client knows (the classic algorithm-confusion forgery).
   */
  signWith?: 'foreign_key' | 'none' | { hmacSecret: string };
}

export interface AppleClientCheck {
  clientId: string;
  teamId: string;
  keyId: string;
  publicKey: CryptoKey;
}

export interface UpstreamOptions {
  clients: Record<string, unknown>[];
  /** false: profile claims go into the ID token (Google, Apple); true: only at userinfo. */
  conformIdTokenClaims?: boolean;
  apple?: AppleClientCheck;
  /**
   * Like Google: an account on a non-Gmail address is a Workspace account whose `hd` is that
   * domain, unless the test sets `hd: null`.
   */
  googleAccounts?: boolean;
}

export interface Upstream {
  issuer: string;
  accounts: Map<string, UpstreamAccount>;
  /** Who signs in at the next interaction. */
  nextLogin: string;
  /** The next interaction is refused (the user pressed "cancel"): `error=access_denied`. */
  deny: boolean;
  tamper: Tamper | null;
  /** Every Apple client secret JWT that passed verification, in order. */
  appleSecrets: string[];
  /** An ID token signed with the provider's own key (for the native endpoint). */
  signIdToken(claims: JWTPayload, header?: { alg?: string; kid?: string }): Promise<string>;
  /** A token with `alg: none`. */
  unsignedIdToken(claims: JWTPayload): string;
  close(): Promise<void>;
}

/** oidc-provider's storage, in memory, one per provider (its own default works too, but warns on every start). */
function memoryAdapter() {
  const stores = new Map<string, Map<string, Record<string, unknown>>>();
  return class MemoryAdapter {
    readonly #store: Map<string, Record<string, unknown>>;
    constructor(name: string) {
      const store = stores.get(name) ?? new Map<string, Record<string, unknown>>();
      stores.set(name, store);
      this.#store = store;
    }
    async upsert(id: string, payload: Record<string, unknown>) {
      this.#store.set(id, payload);
    }
    async find(id: string) {
      return this.#store.get(id);
    }
    async findByUid(uid: string) {
      return [...this.#store.values()].find((payload) => payload['uid'] === uid);
    }
    async findByUserCode(userCode: string) {
      return [...this.#store.values()].find((payload) => payload['userCode'] === userCode);
    }
    async consume(id: string) {
      const payload = this.#store.get(id);
      if (payload !== undefined) payload['consumed'] = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      this.#store.delete(id);
    }
    async revokeByGrantId(grantId: string) {
      for (const [id, payload] of this.#store) if (payload['grantId'] === grantId) this.#store.delete(id);
    }
  };
}

/** The static secret the provider knows for the Apple-style client, once the JWT passed. */
const APPLE_STATIC_SECRET = 'apple-static-secret-known-only-to-the-upstream-test-provider';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export async function startUpstream(options: UpstreamOptions): Promise<Upstream> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `up-${port}`;
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const foreign = await generateKeyPair('RS256');

  const accounts = new Map<string, UpstreamAccount>();
  const clients = options.clients.map((client) =>
    options.apple !== undefined && client['client_id'] === options.apple.clientId
      ? { ...client, client_secret: APPLE_STATIC_SECRET, token_endpoint_auth_method: 'client_secret_post' }
      : client,
  );

  // Like Google, accept `prompt=select_account` (resolved by the same automatic interaction).
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    cookies: { keys: ['upstream-test-cookie-key'] },
    adapter: memoryAdapter(),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
    },
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
    scopes: ['openid', 'email', 'profile', 'name'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified', 'is_private_email'],
      profile: ['name', 'given_name', 'family_name', 'hd'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (account === undefined) return undefined;
      const { hd, ...rest } = account;
      const domain = account.email?.slice(account.email.lastIndexOf('@') + 1);
      const workspace =
        options.googleAccounts === true && hd === undefined && domain !== 'gmail.com' ? domain : undefined;
      const claimedHd = hd ?? workspace;
      return {
        accountId: id,
        claims: async () => ({ sub: id, ...rest, ...(claimedHd ? { hd: claimedHd } : {}) }),
      };
    },
    // Consent is not under test: every sign-in comes with a grant for what was asked.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (accountId === undefined || clientId === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid email profile name');
      await grant.save();
      return grant;
    },
  });

  const internal = createServer(provider.callback());
  const internalPort = await freePort();
  await listen(internal, internalPort);

  const upstream: Upstream = {
    issuer,
    accounts,
    nextLogin: '',
    deny: false,
    tamper: null,
    appleSecrets: [],
    async signIdToken(claims, header = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? kid })
        .sign(privateKey);
    },
    unsignedIdToken(claims) {
      return new UnsecuredJWT(claims).encode();
    },
    async close() {
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => internal.close(resolve));
    },
  };

  async function reissue(idToken: string, tamper: Tamper): Promise<string> {
    const header = decodeProtectedHeader(idToken);
    const claims = tamper.claims ? tamper.claims(decodeJwt(idToken)) : decodeJwt(idToken);
    if (tamper.signWith === 'none') return upstream.unsignedIdToken(claims);
    if (typeof tamper.signWith === 'object') {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(new TextEncoder().encode(tamper.signWith.hmacSecret));
    }
    const key = tamper.signWith === 'foreign_key' ? foreign.privateKey : privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: header.alg ?? 'RS256', kid }).sign(key);
  }

  async function appleSecretValid(secret: string): Promise<boolean> {
    const apple = options.apple;
    if (apple === undefined) return false;
    try {
      const { protectedHeader } = await jwtVerify(secret, apple.publicKey, {
        algorithms: ['ES256'],
        issuer: apple.teamId,
        subject: apple.clientId,
        audience: issuer,
        requiredClaims: ['iat', 'exp'],
      });
      if (protectedHeader.kid !== apple.keyId) return false;
      upstream.appleSecrets.push(secret);
      return true;
    } catch {
      return false;
    }
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const params = new URLSearchParams(await readBody(req));
    if (options.apple !== undefined && params.get('client_id') === options.apple.clientId) {
      if (!(await appleSecretValid(params.get('client_secret') ?? ''))) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'bad client secret JWT' }));
        return;
      }
      params.set('client_secret', APPLE_STATIC_SECRET);
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (req.headers.authorization !== undefined) headers['authorization'] = req.headers.authorization;
    const answer = await fetch(`http://127.0.0.1:${internalPort}/token`, {
      method: 'POST',
      headers,
      body: params.toString(),
    });
    const body = (await answer.json()) as Record<string, unknown>;
    if (upstream.tamper !== null && typeof body['id_token'] === 'string') {
      body['id_token'] = await reissue(body['id_token'], upstream.tamper);
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    await provider.interactionDetails(req, res);
    if (upstream.deny) {
      upstream.deny = false;
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'cancelled',
      });
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: upstream.nextLogin }, select_account: {} },
      { mergeWithLastSubmission: false },
    );
  }

  const handle = provider.callback();
  const front = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const done = (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    };
    if (req.method === 'POST' && path === '/token') token(req, res).catch(done);
    else if (req.method === 'GET' && path.startsWith('/interaction/')) interaction(req, res).catch(done);
    else handle(req, res);
  });
  await listen(front, port);
  return upstream;
}

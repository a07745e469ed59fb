import type * as Oidc from 'openid-client';

/**
 * The relying-party protocol work (discovery, authorization URL, code exchange with state/iss/
 * nonce/PKCE checks, refresh, revocation, end-session URL) done by openid-client. It is loaded on
 * first use, so APIs that only verify bearer tokens through `gatehouse/guard` never load it.
 */

export interface OidcClientOptions {
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE only). */
  clientSecret?: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Bound on each call to the issuer, seconds. */
  timeoutSeconds: number;
}

export interface TokenSet {
  accessToken: string;
  /** Seconds; undefined when the issuer didn't say (Gatehouse always does). */
  expiresIn: number | undefined;
  refreshToken?: string;
  idToken?: string;
  /** ID token claims, validated by openid-client (iss, aud, exp, nonce…). */
  idClaims?: Record<string, unknown>;
}

/**
 * Why a call failed, in a form safe to log: an OAuth error code or an openid-client error code,
 * never a token or a response body.
 * - `rejected`: the issuer or the response said no (bad state, `invalid_grant`…) — don't retry.
 * - `unavailable`: the issuer could not be reached or answered 5xx — try again later.
 */
export class OidcFailure extends Error {
  readonly kind: 'rejected' | 'unavailable';
  readonly reason: string;
  constructor(kind: 'rejected' | 'unavailable', reason: string) {
    super(`OpenID Connect request ${kind === 'rejected' ? 'rejected' : 'failed'} (${reason})`);
    this.name = 'OidcFailure';
    this.kind = kind;
    this.reason = reason;
  }
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcClient {
  authorizationRequest(params: { redirectUri: string; scope: string }): Promise<AuthorizationRequest>;
  /** `callbackUrl` carries the authorization response in its query. Throws OidcFailure. */
  exchangeCode(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<TokenSet>;
  /** Throws OidcFailure; `rejected` with reason `invalid_grant` means the session is over. */
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Best effort: never throws. */
  revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void>;
  /** The issuer's end-session URL, or null when it has none or can't be reached. */
  endSessionUrl(params: Record<string, string>): Promise<URL | null>;
}

export function createOidcClient(options: OidcClientOptions): OidcClient {
  let configuration: Promise<{ lib: typeof Oidc; config: Oidc.Configuration }> | undefined;
  const load = () => {
    configuration ??= discover(options).catch((error: unknown) => {
      // Don't cache a failed discovery: the issuer may be back on the next request.
      configuration = undefined;
      throw asFailure(error);
    });
    return configuration;
  };

  return {
    async authorizationRequest({ redirectUri, scope }) {
      const { lib, config } = await load();
      const codeVerifier = lib.randomPKCECodeVerifier();
      const state = lib.randomState();
      const nonce = lib.randomNonce();
      const url = lib.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },

    async exchangeCode(callbackUrl, checks) {
      const { lib, config } = await load();
      try {
        const tokens = await lib.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        return toTokenSet(tokens);
      } catch (error) {
        throw asFailure(error);
      }
    },

    async refresh(refreshToken) {
      const { lib, config } = await load();
      try {
        return toTokenSet(await lib.refreshTokenGrant(config, refreshToken));
      } catch (error) {
        throw asFailure(error);
      }
    },

    async revoke(token, hint) {
      try {
        const { lib, config } = await load();
        await lib.tokenRevocation(config, token, { token_type_hint: hint });
      } catch {
        // Logout must finish even if the issuer is down: the cookies are cleared regardless,
        // and the refresh token still expires on its own.
      }
    },

    async endSessionUrl(params) {
      try {
        const { lib, config } = await load();
        if (config.serverMetadata().end_session_endpoint === undefined) return null;
        return lib.buildEndSessionUrl(config, params);
      } catch {
        return null;
      }
    },
  };
}

async function discover(
  options: OidcClientOptions,
): Promise<{ lib: typeof Oidc; config: Oidc.Configuration }> {
  const lib = await import('openid-client');
  const { issuer, clientId, clientSecret, tokenEndpointAuthMethod, timeoutSeconds } = options;
  const auth =
    clientSecret === undefined
      ? lib.None()
      : tokenEndpointAuthMethod === 'client_secret_post'
        ? lib.ClientSecretPost(clientSecret)
        : lib.ClientSecretBasic(clientSecret);
  // openid-client refuses plain http by default. An http issuer is a local development setup;
  // the verifier makes the same allowance, and the issuer URL is configuration, not input.
  const execute = issuer.startsWith('http:') ? [lib.allowInsecureRequests] : [];
  const config = await lib.discovery(new URL(issuer), clientId, undefined, auth, {
    execute,
    timeout: timeoutSeconds,
  });
  return { lib, config };
}

function toTokenSet(tokens: Oidc.TokenEndpointResponse & Oidc.TokenEndpointResponseHelpers): TokenSet {
  const idClaims = tokens.claims();
  return {
    accessToken: tokens.access_token,
    expiresIn: tokens.expiresIn(),
    ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
    ...(tokens.id_token === undefined ? {} : { idToken: tokens.id_token }),
    ...(idClaims === undefined ? {} : { idClaims: { ...idClaims } }),
  };
}

/** Classifies by shape rather than class, so it works before the module has even loaded. */
function asFailure(error: unknown): OidcFailure {
  if (error instanceof OidcFailure) return error;
  if (error instanceof TypeError) return new OidcFailure('unavailable', 'network_error');
  if (typeof error !== 'object' || error === null) return new OidcFailure('unavailable', 'unknown');
  const { name, error: oauthError, status, code } = error as Record<string, unknown>;
  // ResponseBodyError / AuthorizationResponseError: the issuer answered with an OAuth error code.
  if (
    (name === 'ResponseBodyError' || name === 'AuthorizationResponseError') &&
    typeof oauthError === 'string'
  ) {
    const serverSide = typeof status === 'number' && status >= 500;
    return new OidcFailure(serverSide ? 'unavailable' : 'rejected', safeCode(oauthError));
  }
  if (typeof code === 'string') {
    const transient = [
      'OAUTH_TIMEOUT',
      'OAUTH_ABORT',
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
      'OAUTH_RESPONSE_IS_NOT_JSON',
    ];
    return new OidcFailure(transient.includes(code) ? 'unavailable' : 'rejected', safeCode(code));
  }
  return new OidcFailure('unavailable', 'unknown');
}

/** Error codes come from the network; keep them short and free of anything but code characters. */
function safeCode(code: string): string {
  return code.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64) || 'unknown';
}

import type { GatehouseConfig } from '../config/config.ts';
import type { ClientConfig } from '../config/file-schema.ts';
import { findClient } from '../core/clients.ts';
import { parseScope } from '../core/roles.ts';
import type { OAuthErrorCode } from './errors.ts';
import { matchesRedirectUri } from './redirect-uri.ts';

export type Prompt = 'none' | 'login' | 'create' | 'consent' | 'select_account';
const PROMPTS: readonly Prompt[] = ['none', 'login', 'create', 'consent', 'select_account'];

/** A validated authorization request, kept server-side while the user signs in. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  prompt: Prompt[];
  maxAge: number | null;
  loginHint: string | null;
  idTokenHint: string | null;
  identityProvider: string | null;
  /** Epoch ms when the request arrived; `prompt=login` needs an authentication after it. */
  createdAt: number;
}

export type AuthorizationValidation =
  | { kind: 'ok'; request: AuthorizationRequest; client: ClientConfig }
  /** Client or redirect URI can't be trusted: show a page, never redirect (RFC 6749 §4.1.2.1). */
  | { kind: 'error_page'; description: string }
  | {
      kind: 'error_redirect';
      redirectUri: string;
      state: string | null;
      error: OAuthErrorCode;
      description: string;
    };

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_PARAM = 2048;

/** Validates `/oauth/authorize` parameters (query or form), in the order RFC 6749 requires. */
export function validateAuthorizationRequest(
  config: GatehouseConfig,
  params: Readonly<Record<string, string | undefined>>,
  now: number,
): AuthorizationValidation {
  const get = (name: string) => params[name];
  const clientId = get('client_id');
  const client = clientId === undefined ? null : findClient(config, clientId);
  if (client === null)
    return { kind: 'error_page', description: 'The application that sent you here is not known.' };
  const redirectUri = get('redirect_uri');
  if (redirectUri === undefined || !matchesRedirectUri(client.redirect_uris, redirectUri)) {
    return {
      kind: 'error_page',
      description: 'The application sent you to an address it has not registered.',
    };
  }
  const state = get('state') ?? null;
  const fail = (error: OAuthErrorCode, description: string): AuthorizationValidation => ({
    kind: 'error_redirect',
    redirectUri,
    state,
    error,
    description,
  });
  if (Object.values(params).some((value) => value !== undefined && value.length > MAX_PARAM)) {
    return fail('invalid_request', 'a parameter is too long');
  }
  if (get('request') !== undefined) return fail('request_not_supported', 'request objects are not supported');
  if (get('request_uri') !== undefined)
    return fail('request_uri_not_supported', 'request_uri is not supported');
  if (get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  if (get('response_mode') !== undefined && get('response_mode') !== 'query') {
    return fail('invalid_request', 'response_mode must be query');
  }
  if (!client.grant_types.includes('authorization_code')) {
    return fail('unauthorized_client', 'this client may not use the authorization code flow');
  }
  const codeChallenge = get('code_challenge') ?? null;
  const method = get('code_challenge_method');
  if (codeChallenge !== null) {
    // RFC 7636 defaults the method to plain, which we refuse (RFC 9700 §2.1.1).
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    if (!CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge is malformed');
  } else if (method !== undefined) {
    return fail('invalid_request', 'code_challenge_method without code_challenge');
  } else if (client.token_endpoint_auth_method === 'none') {
    return fail('invalid_request', 'PKCE (code_challenge with S256) is required for this client');
  }
  const prompt = (get('prompt') ?? '').split(' ').filter((p) => p !== '');
  if (!prompt.every((p): p is Prompt => (PROMPTS as readonly string[]).includes(p))) {
    return fail('invalid_request', 'unsupported prompt value');
  }
  if (prompt.includes('none') && prompt.length > 1)
    return fail('invalid_request', 'prompt=none must stand alone');
  const maxAgeRaw = get('max_age');
  const maxAge = maxAgeRaw === undefined ? null : Number(maxAgeRaw);
  if (maxAge !== null && (!Number.isInteger(maxAge) || maxAge < 0 || !/^\d+$/.test(maxAgeRaw ?? ''))) {
    return fail('invalid_request', 'max_age must be a non-negative integer');
  }
  // No scope asks for the client's whole list, as at the JSON API; it then goes through consent.
  const requested = parseScope(get('scope')) ?? client.scopes;
  const scope = requested.filter((s) => client.scopes.includes(s));
  if (requested.length > 0 && scope.length === 0)
    return fail('invalid_scope', 'none of the requested scopes is allowed');
  const identityProvider = get('identity_provider') ?? null;
  if (identityProvider !== null && !Object.hasOwn(config.providers, identityProvider)) {
    return fail('invalid_request', 'identity_provider names no configured provider');
  }
  return {
    kind: 'ok',
    client,
    request: {
      clientId: client.client_id,
      redirectUri,
      scope,
      state,
      nonce: get('nonce') ?? null,
      codeChallenge,
      prompt: prompt as Prompt[],
      maxAge,
      loginHint: get('login_hint') ?? null,
      idTokenHint: get('id_token_hint') ?? null,
      identityProvider,
      createdAt: now,
    },
  };
}

/** The redirect back to the client, with RFC 9207 `iss` on every answer. */
export function clientRedirect(
  issuer: string,
  redirectUri: string,
  state: string | null,
  params: Record<string, string>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (state !== null) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return url.toString();
}

import * as client from 'openid-client';
import type { Core } from '../core/context.ts';
import { generateOpaqueToken, hashOpaqueToken } from '../core/tokens/refresh-token.ts';
import { saveFlowState } from './flow-state.ts';
import { callbackUrl, type FederationProvider } from './providers.ts';
import { upstreamConfiguration } from './upstream-config.ts';

export interface StartFlowInput {
  /** Pending authorization request handle, when signing in for an OAuth client. */
  request: string | null;
  /** The signed-in user to link the identity to (account page), instead of signing in. */
  linkUserId: string | null;
  loginHint?: string | null;
}

export interface StartedFlow {
  /** The upstream authorization URL to send the browser to. */
  url: string;
  /** The browser-binding value: the caller puts it in a cookie. */
  binding: string;
}

/** Authorization code + PKCE (S256) + state + nonce, every time, whatever the provider. */
export async function startUpstreamFlow(
  core: Core,
  provider: FederationProvider,
  input: StartFlowInput,
): Promise<StartedFlow> {
  const configuration = await upstreamConfiguration(core, provider);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const binding = generateOpaqueToken('', core.random);
  await saveFlowState(core, state, {
    provider: provider.id,
    codeVerifier,
    nonce,
    request: input.request,
    linkUserId: input.linkUserId,
    binding: hashOpaqueToken(binding),
  });
  const params: Record<string, string> = {
    redirect_uri: callbackUrl(core.config, provider.id),
    scope: provider.scopes.join(' '),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  if (provider.responseMode === 'form_post') params['response_mode'] = 'form_post';
  if (provider.kind === 'google') {
    // Let people with several Google accounts pick one instead of silently using the last.
    params['prompt'] = 'select_account';
    if (provider.hostedDomain !== null) params['hd'] = provider.hostedDomain;
  }
  if (input.loginHint && provider.kind !== 'apple') params['login_hint'] = input.loginHint;
  const url = client.buildAuthorizationUrl(configuration, params);
  return { url: url.href, binding };
}

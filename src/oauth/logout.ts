import { findClient } from '../core/clients.ts';
import type { Core } from '../core/context.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';

export type LogoutDecision =
  /** Sign the browser out, end the hinted session, then redirect (or show the signed-out page). */
  | { kind: 'logout'; sub: string; sessionId: string | null; redirect: string | null }
  /** Without a valid hint the RP may not end the session silently (cross-site logout). */
  | { kind: 'confirm' }
  | { kind: 'error'; description: string };

/** OIDC RP-Initiated Logout 1.0: validates the hint and the post-logout redirect URI. */
export async function decideLogout(
  core: Core,
  params: Readonly<Record<string, string | undefined>>,
): Promise<LogoutDecision> {
  const hintText = params['id_token_hint'];
  const hint = hintText === undefined ? null : await verifyIdTokenHint(core, hintText);
  if (hintText !== undefined && hint === null)
    return { kind: 'error', description: 'id_token_hint is not valid' };
  const clientId = params['client_id'] ?? hint?.aud[0];
  if (hint !== null && clientId !== undefined && !hint.aud.includes(clientId)) {
    return { kind: 'error', description: 'client_id does not match id_token_hint' };
  }
  const postLogout = params['post_logout_redirect_uri'];
  let redirect: string | null = null;
  if (postLogout !== undefined) {
    const client = clientId === undefined ? null : findClient(core.config, clientId);
    if (client === null || !client.post_logout_redirect_uris.includes(postLogout)) {
      return { kind: 'error', description: 'post_logout_redirect_uri is not registered for this client' };
    }
    const url = new URL(postLogout);
    if (params['state'] !== undefined) url.searchParams.set('state', params['state']);
    redirect = url.toString();
  }
  if (hint === null) return { kind: 'confirm' };
  return { kind: 'logout', sub: hint.sub, sessionId: hint.sid, redirect };
}

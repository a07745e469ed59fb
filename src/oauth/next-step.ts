import type { ClientConfig } from '../config/file-schema.ts';
import type { Core } from '../core/context.ts';
import type { BrowserSessionRecord } from '../storage/port.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import type { OAuthErrorCode } from './errors.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';

export type NextStep =
  | { kind: 'login'; create: boolean }
  | { kind: 'consent' }
  | { kind: 'issue_code'; session: BrowserSessionRecord }
  | { kind: 'error'; error: OAuthErrorCode; description: string };

/**
 * What the authorization flow needs next, given the browser's session: sign-in (fresh when
 * `prompt=login`/`max_age` demand it), consent for third-party clients, or the code.
 * `prompt=none` turns every needed interaction into an error instead (OIDC Core §3.1.2.6).
 */
export async function decideNextStep(
  core: Core,
  request: AuthorizationRequest,
  client: ClientConfig,
  session: BrowserSessionRecord | null,
  consentJustGiven: boolean,
): Promise<NextStep> {
  const silent = request.prompt.includes('none');
  const now = core.clock.now();
  const authenticatedSinceRequest = session !== null && session.authTime >= request.createdAt;
  let needsLogin = session === null;
  if (session !== null && !authenticatedSinceRequest) {
    if (request.prompt.includes('login') || request.prompt.includes('create')) needsLogin = true;
    if (request.maxAge !== null && now - session.authTime > request.maxAge * 1000) needsLogin = true;
  }
  if (session !== null && request.idTokenHint !== null) {
    const hint = await verifyIdTokenHint(core, request.idTokenHint);
    if (hint === null)
      return { kind: 'error', error: 'invalid_request', description: 'id_token_hint is not valid' };
    if (hint.sub !== session.userId) needsLogin = true;
  }
  if (needsLogin || session === null) {
    if (silent) return { kind: 'error', error: 'login_required', description: 'the user must sign in' };
    return { kind: 'login', create: request.prompt.includes('create') };
  }
  if (!client.first_party) {
    const granted = new Set(await core.store.getConsent(session.userId, client.client_id));
    // No recorded consent is never "covered", even for an empty scope list.
    const covered = granted.size > 0 && request.scope.every((scope) => granted.has(scope));
    const forced = request.prompt.includes('consent') && !consentJustGiven;
    if (!covered || forced) {
      if (silent)
        return { kind: 'error', error: 'consent_required', description: 'the user must approve this client' };
      return { kind: 'consent' };
    }
  }
  return { kind: 'issue_code', session };
}

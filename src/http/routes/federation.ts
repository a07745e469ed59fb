import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { resolveJsonApiClient } from '../../core/clients.ts';
import type { Core } from '../../core/context.ts';
import type { ErrorCode } from '../../core/errors.ts';
import { grantScopes, parseScope } from '../../core/roles.ts';
import { startSession } from '../../core/sessions/start-session.ts';
import { hashOpaqueToken } from '../../core/tokens/refresh-token.ts';
import { isRecentSignIn, unlinkUserIdentity } from '../../federation/account-identities.ts';
import { type FederationFailure, failurePage } from '../../federation/failure-pages.ts';
import {
  type FederatedAccountFailure,
  linkIdentityToUser,
  resolveFederatedUser,
} from '../../federation/federated-account.ts';
import { finishUpstreamFlow } from '../../federation/finish-flow.ts';
import { FLOW_STATE_TTL_MS, takeFlowState } from '../../federation/flow-state.ts';
import { verifyNativeIdToken } from '../../federation/native-id-token.ts';
import { type FederationProvider, resolveProvider } from '../../federation/providers.ts';
import { startUpstreamFlow } from '../../federation/start-flow.ts';
import { identityFromClaims } from '../../federation/upstream-identity.ts';
import { loadPendingRequest } from '../../oauth/pending-request.ts';
import { readCheckedForm } from '../../pages/csrf.ts';
import { errorPage } from '../../pages/error-page.ts';
import { afterSignIn, pagePath, readRequestHandle } from '../../pages/flow.ts';
import type { AppContext, AppEnv } from '../env.ts';
import { readJson } from '../json-body.ts';
import { problem } from '../problem.ts';
import { readBrowserSession, signInBrowser } from '../session-cookie.ts';

/**
 * Federated sign-in (contract §7): `/federation/{provider}/start` → the provider →
 * `/federation/{provider}/callback` (GET; Apple: form POST); linking and unlinking from the
 * account page; and the native-app endpoint `POST /v1/federation/{provider}/token`.
 *
 * `amr` of a federated sign-in is `["fed"]` (Microsoft Entra's value for "a federated identity
 * provider authenticated the user"; RFC 8176 has none for it).
 */

/** Binds a flow to the browser that started it; SameSite=None only where the answer is a cross-site POST. */
const BINDING_COOKIE = '__Host-gatehouse_federation';
const FEDERATED_AMR = ['fed'];

const nativeTokenBody = z.object({
  id_token: z.string().min(1).max(16_384),
  nonce: z.string().min(1).max(512).optional(),
  client_id: z.string().max(128).optional(),
  scope: z.string().max(2048).optional(),
  /** Apple hands the name to the app only, and only on the first sign-in: used when creating the account. */
  name: z.string().max(200).optional(),
});

export function federationRoutes(core: Core): Hono<AppEnv> {
  const fail = (c: Context, reason: FederationFailure, provider: FederationProvider | null) => {
    const page = failurePage(reason, provider?.label ?? 'the provider', provider?.hostedDomain ?? null);
    return errorPage(c, page);
  };

  /** Sends the browser upstream, remembering the flow and binding it to this browser. */
  const goUpstream = async (
    c: AppContext,
    provider: FederationProvider,
    input: Parameters<typeof startUpstreamFlow>[2],
  ) => {
    let started: Awaited<ReturnType<typeof startUpstreamFlow>>;
    try {
      started = await startUpstreamFlow(core, provider, input);
    } catch (error) {
      c.get('logger').log('warn', 'federation_discovery_failed', {
        provider: provider.id,
        reason: error instanceof Error ? error.message : String(error),
      });
      return fail(c, 'unavailable', provider);
    }
    setCookie(c, BINDING_COOKIE, started.binding, {
      secure: true,
      httpOnly: true,
      sameSite: provider.responseMode === 'form_post' ? 'None' : 'Lax',
      path: '/',
      maxAge: FLOW_STATE_TTL_MS / 1000,
    });
    return c.redirect(started.url, c.req.method === 'GET' ? 302 : 303);
  };

  const callback = async (c: AppContext, provider: FederationProvider, response: URLSearchParams) => {
    const bindingCookie = getCookie(c, BINDING_COOKIE);
    deleteCookie(c, BINDING_COOKIE, { secure: true, httpOnly: true, path: '/' });
    const state = response.get('state') ?? undefined;
    const taken = await takeFlowState(core, state);
    if (taken.status === 'reused') return fail(c, 'replayed', provider);
    if (taken.status !== 'ok' || state === undefined) return fail(c, 'invalid_state', provider);
    const { flow } = taken;
    if (
      flow.provider !== provider.id ||
      bindingCookie === undefined ||
      hashOpaqueToken(bindingCookie) !== flow.binding
    ) {
      c.get('logger').log('warn', 'federation_state_unbound', { provider: provider.id });
      return fail(c, 'invalid_state', provider);
    }
    const finished = await finishUpstreamFlow(core, provider, flow, state, response);
    if (!finished.ok) {
      if (finished.reason === 'cancelled' && flow.linkUserId === null) {
        return c.redirect(pagePath('/login', { request: flow.request }), 303);
      }
      if (finished.reason === 'cancelled') return c.redirect('/account', 303);
      return fail(c, finished.reason, provider);
    }
    const { identity } = finished;
    if (flow.linkUserId !== null) {
      const linked = await linkIdentityToUser(core, flow.linkUserId, identity);
      if (linked === 'linked' || linked === 'already_linked') {
        return c.redirect('/account?done=identity_linked', 303);
      }
      return fail(c, linked, provider);
    }
    const account = await resolveFederatedUser(core, identity);
    if (!account.ok) {
      c.get('logger').log('info', 'signin_failed', {
        audit: true,
        provider: provider.id,
        reason: account.reason,
      });
      return fail(c, account.reason, provider);
    }
    await signInBrowser(core, c, account.user.id, FEDERATED_AMR);
    c.get('logger').log('info', 'signin', {
      audit: true,
      sub: account.user.id,
      provider: provider.id,
      outcome: account.outcome,
    });
    return c.redirect(afterSignIn(flow.request), 303);
  };

  /** Account-page actions: CSRF-checked form, signed in, and signed in recently. */
  const recentUser = async (c: AppContext) => {
    const checked = await readCheckedForm(core, c);
    if (!checked.ok) return { response: await checked.response };
    const session = await readBrowserSession(core, c);
    if (session === null) return { response: c.redirect('/login', 303) };
    if (!isRecentSignIn(session, core.clock.now())) return { response: await fail(c, 'not_recent', null) };
    const user = await core.store.getUserById(session.userId);
    if (user === null) return { response: c.redirect('/login', 303) };
    return { user };
  };

  return new Hono<AppEnv>()
    .get('/federation/:provider/start', async (c) => {
      const provider = resolveProvider(core.config, c.req.param('provider'));
      if (provider === null) return fail(c, 'unknown_provider', null);
      const raw = c.req.query('request');
      const request = readRequestHandle(raw);
      let loginHint: string | null = null;
      if (raw !== undefined) {
        const pending = request === null ? null : await loadPendingRequest(core, request);
        if (pending === null) return fail(c, 'invalid_state', provider);
        loginHint = pending.loginHint;
      }
      return goUpstream(c, provider, { request, linkUserId: null, loginHint });
    })
    .get('/federation/:provider/callback', async (c) => {
      const provider = resolveProvider(core.config, c.req.param('provider'));
      if (provider === null || provider.responseMode !== 'query')
        return fail(c, 'unknown_provider', provider);
      return callback(c, provider, new URL(c.req.url).searchParams);
    })
    .post('/federation/:provider/callback', async (c) => {
      const provider = resolveProvider(core.config, c.req.param('provider'));
      if (provider === null || provider.responseMode !== 'form_post')
        return fail(c, 'unknown_provider', provider);
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      const form = type === 'application/x-www-form-urlencoded' ? await c.req.text() : '';
      return callback(c, provider, new URLSearchParams(form));
    })
    .post('/account/identities/:provider/link', async (c) => {
      const checked = await recentUser(c);
      if (checked.response !== undefined) return checked.response;
      const provider = resolveProvider(core.config, c.req.param('provider'));
      if (provider === null) return fail(c, 'unknown_provider', null);
      return goUpstream(c, provider, { request: null, linkUserId: checked.user.id });
    })
    .post('/account/identities/:id/unlink', async (c) => {
      const checked = await recentUser(c);
      if (checked.response !== undefined) return checked.response;
      const identityId = c.req.param('id');
      const identities = await core.store.listIdentitiesByUser(checked.user.id);
      const identity = identities.find((i) => i.id === identityId);
      if (identity === undefined) return fail(c, 'identity_not_found', null);
      const provider = resolveProvider(core.config, identity.provider);
      const outcome = await unlinkUserIdentity(core, checked.user, identityId);
      if (outcome === 'unlinked') return c.redirect('/account?done=identity_unlinked', 303);
      return fail(c, outcome === 'last_method' ? 'last_method' : 'identity_not_found', provider);
    })
    .post('/v1/federation/:provider/token', async (c) => {
      const provider = resolveProvider(core.config, c.req.param('provider'));
      if (provider === null) return problem(c, 'not_found', 'no such identity provider');
      const body = await readJson(c, nativeTokenBody);
      if (!body.ok) return body.response;
      const client = resolveJsonApiClient(core.config, body.value.client_id);
      if (!client.ok) return problem(c, client.code, client.detail);
      const verified = await verifyNativeIdToken(core, provider, body.value.id_token, body.value.nonce);
      if (!verified.ok) {
        if (verified.reason === 'unavailable')
          return problem(c, 'server_error', `the keys of ${provider.label} could not be fetched`);
        const detail =
          verified.reason === 'nonce_mismatch' ? 'the nonce does not match' : 'the ID token is not valid';
        return problem(c, 'invalid_credentials', detail);
      }
      const checkedClaims = identityFromClaims(provider, verified.claims, { name: body.value.name });
      if (!checkedClaims.ok)
        return problem(c, 'email_domain_not_allowed', 'this account is outside the allowed domain');
      const account = await resolveFederatedUser(core, checkedClaims.identity);
      if (!account.ok) {
        const [code, detail] = NATIVE_FAILURES[account.reason];
        return problem(c, code, detail.replaceAll('{provider}', provider.label));
      }
      const scope = grantScopes(core.config, client.value, account.user.roles, parseScope(body.value.scope));
      const tokens = await startSession(core, {
        user: account.user,
        client: client.value,
        scope,
        amr: FEDERATED_AMR,
      });
      c.get('logger').log('info', 'signin', {
        audit: true,
        sub: account.user.id,
        client_id: client.value.client_id,
        provider: provider.id,
        outcome: account.outcome,
      });
      return c.json(tokens, 200, { 'Cache-Control': 'no-store' });
    });
}

const NATIVE_FAILURES: Record<FederatedAccountFailure, [ErrorCode, string]> = {
  no_email: ['invalid_request', '{provider} shared no email address, which a new account needs'],
  email_not_verified: ['email_not_verified', '{provider} has not verified this email address'],
  link_needs_verified_email: [
    'email_not_verified',
    '{provider} has not verified this email address, so it is not linked to the existing account; sign in with the password and link {provider} from the account page',
  ],
  existing_unconfirmed: [
    'email_not_verified',
    'the existing account with this email has not confirmed it; confirm it first, then link {provider}',
  ],
  signup_disabled: ['signup_disabled', 'sign-up is disabled'],
  email_domain_not_allowed: ['email_domain_not_allowed', 'this email domain may not sign up'],
  account_disabled: ['account_disabled', 'this account is disabled'],
};

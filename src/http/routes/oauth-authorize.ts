import { Hono } from 'hono';
import { findClient } from '../../core/clients.ts';
import type { Core } from '../../core/context.ts';
import { issueAuthorizationCode } from '../../oauth/authorization-code.ts';
import {
  type AuthorizationRequest,
  clientRedirect,
  validateAuthorizationRequest,
} from '../../oauth/authorization-request.ts';
import { decideNextStep } from '../../oauth/next-step.ts';
import {
  completePendingRequest,
  loadPendingRequest,
  savePendingRequest,
} from '../../oauth/pending-request.ts';
import { errorPage } from '../../pages/error-page.ts';
import type { AppContext, AppEnv } from '../env.ts';
import { paramsFrom } from '../form-body.ts';
import { readBrowserSession } from '../session-cookie.ts';

/** RFC 6749 §4.1 with OIDC prompts; pages do the signing in, this decides what comes next. */
export function oauthAuthorizeRoutes(core: Core): Hono<AppEnv> {
  const start = async (c: AppContext, search: URLSearchParams) => {
    const params = paramsFrom(search);
    if (!params.ok)
      return errorPage(c, { status: 400, title: 'Invalid request', message: params.description });
    const validation = validateAuthorizationRequest(core.config, params.value, core.clock.now());
    if (validation.kind === 'error_page') {
      return errorPage(c, {
        status: 400,
        title: 'Cannot continue to the application',
        message: validation.description,
      });
    }
    if (validation.kind === 'error_redirect') {
      const target = clientRedirect(core.config.issuer, validation.redirectUri, validation.state, {
        error: validation.error,
        error_description: validation.description,
      });
      return redirect(c, target);
    }
    const handle = await savePendingRequest(core, validation.request);
    return proceed(c, handle, validation.request, false);
  };

  const proceed = async (
    c: AppContext,
    handle: string,
    request: AuthorizationRequest,
    consentJustGiven: boolean,
  ) => {
    const client = findClient(core.config, request.clientId);
    if (client === null)
      return errorPage(c, { status: 400, title: 'Unknown application', message: 'Start again.' });
    const session = await readBrowserSession(core, c);
    const step = await decideNextStep(core, request, client, session, consentJustGiven);
    const back = (params: Record<string, string>) =>
      clientRedirect(core.config.issuer, request.redirectUri, request.state, params);
    switch (step.kind) {
      case 'login': {
        // identity_provider= skips the chooser: straight to that provider.
        if (request.identityProvider !== null) {
          return redirect(
            c,
            `/federation/${encodeURIComponent(request.identityProvider)}/start?request=${handle}`,
          );
        }
        const page = new URL(step.create ? '/signup' : '/login', core.config.issuer);
        page.searchParams.set('request', handle);
        if (request.loginHint !== null) page.searchParams.set('login_hint', request.loginHint);
        return redirect(c, `${page.pathname}${page.search}`);
      }
      case 'consent':
        return redirect(c, `/consent?request=${handle}`);
      case 'error':
        await completePendingRequest(core, handle);
        return redirect(c, back({ error: step.error, error_description: step.description }));
      case 'issue_code': {
        // Spending the handle first means a double-submitted continue can't mint two codes.
        if (!(await completePendingRequest(core, handle))) return expired(c);
        const code = await issueAuthorizationCode(core, request, client, step.session);
        if (code === null)
          return redirect(c, back({ error: 'access_denied', error_description: 'account unavailable' }));
        return redirect(c, back({ code }));
      }
    }
  };

  return new Hono<AppEnv>()
    .get('/authorize', (c) => start(c, new URL(c.req.url).searchParams))
    .post('/authorize', async (c) => {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        return errorPage(c, {
          status: 400,
          title: 'Invalid request',
          message: 'Send the form as urlencoded.',
        });
      }
      return start(c, new URLSearchParams(await c.req.text()));
    })
    .get('/authorize/continue', async (c) => {
      const handle = c.req.query('request') ?? '';
      const request = await loadPendingRequest(core, handle);
      if (request === null) return expired(c);
      if (c.req.query('denied') === '1') {
        await completePendingRequest(core, handle);
        return redirect(
          c,
          clientRedirect(core.config.issuer, request.redirectUri, request.state, {
            error: 'access_denied',
            error_description: 'the user declined',
          }),
        );
      }
      return proceed(c, handle, request, c.req.query('consented') === '1');
    });
}

function redirect(c: AppContext, location: string): Response {
  return c.redirect(location, c.req.method === 'GET' ? 302 : 303);
}

function expired(c: AppContext) {
  return errorPage(c, {
    status: 400,
    title: 'This sign-in has expired',
    message: 'Go back to the application and start signing in again.',
  });
}

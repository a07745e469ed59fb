import { Hono } from 'hono';
import type { Core } from '../../core/context.ts';
import { decideLogout } from '../../oauth/logout.ts';
import { errorPage } from '../../pages/error-page.ts';
import type { AppContext, AppEnv } from '../env.ts';
import { type FormParams, paramsFrom } from '../form-body.ts';
import { readBrowserSession, signOutBrowser } from '../session-cookie.ts';

/** OIDC RP-Initiated Logout, GET and form POST. */
export function oauthLogoutRoutes(core: Core): Hono<AppEnv> {
  const logout = async (c: AppContext, params: FormParams) => {
    const decision = await decideLogout(core, params);
    if (decision.kind === 'error') {
      return errorPage(c, { status: 400, title: 'Cannot sign out', message: decision.description });
    }
    const session = await readBrowserSession(core, c);
    if (decision.kind === 'confirm') {
      // Without a hint, another site could sign the user out; let them do it from their account page.
      if (session !== null) return c.redirect('/account', 303);
      return signedOut(c, null);
    }
    if (decision.sessionId !== null) await core.store.revokeSession(decision.sessionId, core.clock.now());
    // A hint for someone else mustn't sign out whoever is using this browser.
    if (session === null || session.userId === decision.sub) await signOutBrowser(core, c);
    return signedOut(c, decision.redirect);
  };
  return new Hono<AppEnv>()
    .get('/logout', (c) => {
      const params = paramsFrom(new URL(c.req.url).searchParams);
      return params.ok
        ? logout(c, params.value)
        : errorPage(c, { status: 400, title: 'Cannot sign out', message: params.description });
    })
    .post('/logout', async (c) => {
      const params = paramsFrom(new URLSearchParams(await c.req.text()));
      return params.ok
        ? logout(c, params.value)
        : errorPage(c, { status: 400, title: 'Cannot sign out', message: params.description });
    });
}

function signedOut(c: AppContext, redirect: string | null) {
  if (redirect !== null) return c.redirect(redirect, c.req.method === 'GET' ? 302 : 303);
  return errorPage(c, { status: 200, title: 'Signed out', message: 'You have been signed out.' });
}

import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { readBrowserSession } from '../http/session-cookie.ts';
import { loadPendingAuthorization } from '../oauth/pending-request.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { errorPage } from './error-page.ts';
import { hidden } from './fields.ts';
import { pagePath, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { siteOf } from './site.ts';

/** Plain-language meaning of the standard scopes; role scopes are shown as they are named. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Confirm who you are with your account ID',
  profile: 'See your name',
  email: 'See your email address',
  offline_access: 'Keep access while you are not using it (until you sign out or revoke it)',
};

function scopeItem(scope: string): Html {
  const description = Object.hasOwn(SCOPE_DESCRIPTIONS, scope) ? SCOPE_DESCRIPTIONS[scope] : undefined;
  return description === undefined
    ? html`<li>Use the permission <code>${scope}</code></li>`
    : html`<li>${description}</li>`;
}

function consentBody(view: {
  csrf: string;
  request: string;
  clientName: string;
  email: string;
  scope: string[];
}): Html {
  return html`<p><strong>${view.clientName}</strong> wants to:</p>
<ul class="scopes">${view.scope.map(scopeItem)}</ul>
<p class="hint">Signed in as ${view.email}.</p>
<form method="post" action="/consent">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
<div class="actions">
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`;
}

const EXPIRED = {
  status: 400,
  title: 'This sign-in request has expired',
  message: 'Go back to the application and start signing in again.',
} as const;

/** GET/POST /consent: the user allows or denies a client the scopes it asked for. */
export function consentRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  return new Hono<AppEnv>()
    .get('/consent', async (c) => {
      const request = readRequestHandle(c.req.query('request'));
      if (request === null) return errorPage(c, EXPIRED);
      const session = await readBrowserSession(core, c);
      if (session === null) return c.redirect(pagePath('/login', { request }), 303);
      const pending = await loadPendingAuthorization(core, request);
      if (pending === null) return errorPage(c, EXPIRED);
      const user = await core.store.getUserById(session.userId);
      if (user === null) return c.redirect(pagePath('/login', { request }), 303);
      return renderPage(c, site, {
        title: `Allow ${pending.clientName}?`,
        body: consentBody({
          csrf: csrfToken(core, c),
          request,
          clientName: pending.clientName,
          email: user.email,
          scope: pending.scope,
        }),
      });
    })
    .post('/consent', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      if (request === null) return errorPage(c, EXPIRED);
      const session = await readBrowserSession(core, c);
      if (session === null) return c.redirect(pagePath('/login', { request }), 303);
      const decision = form.get('decision');
      if (decision === 'deny') {
        return c.redirect(pagePath('/oauth/authorize/continue', { request, denied: '1' }), 303);
      }
      if (decision !== 'allow') {
        return errorPage(c, {
          status: 400,
          title: 'Choose Allow or Deny',
          message: 'Go back and choose Allow or Deny.',
        });
      }
      const pending = await loadPendingAuthorization(core, request);
      if (pending === null) return errorPage(c, EXPIRED);
      const existing = await core.store.getConsent(session.userId, pending.clientId);
      const granted = [...new Set([...existing, ...pending.scope])];
      await core.store.putConsent(session.userId, pending.clientId, granted, core.clock.now());
      // `consented` satisfies prompt=consent; it can't grant anything: the stored consent must still cover the scopes.
      return c.redirect(pagePath('/oauth/authorize/continue', { request, consented: '1' }), 303);
    });
}

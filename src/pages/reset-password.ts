import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { normaliseEmail } from '../core/accounts/email.ts';
import { resetPassword } from '../core/accounts/password-reset.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { cleanCode, codeFields } from './code-fields.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { alertBox, field, hidden, submit } from './fields.ts';
import { pagePath, readEmailParam, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { INVALID_CODE, PASSWORD_HINT, sentence } from './messages.ts';
import { siteOf } from './site.ts';

interface ResetView {
  csrf: string;
  request: string | null;
  email: string;
  error?: string | null;
  invalid?: 'email' | 'code' | 'password';
}

function resetBody(view: ResetView): Html {
  return html`${alertBox(view.error)}
<form method="post" action="/password/reset">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
${codeFields({ ...view, sentTo: (email) => html`If <strong>${email}</strong> has an account, we sent it a 6-digit code. It is valid for 10 minutes.` })}
${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, autofocus: view.invalid === 'password', error: view.invalid === 'password' ? (view.error ?? undefined) : undefined })}
${submit('Set new password')}
</form>
<ul class="links"><li><a href="${pagePath('/password/forgot', { request: view.request, email: view.email })}">Send a new code</a></li></ul>`;
}

/** GET/POST /password/reset: the mailed code and a new password. */
export function resetPasswordRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  const render = (c: Context, view: ResetView, status: ContentfulStatusCode = 200) =>
    renderPage(c, site, { status, title: 'Choose a new password', body: resetBody(view) });
  return new Hono<AppEnv>()
    .get('/password/reset', (c) => {
      const request = readRequestHandle(c.req.query('request'));
      return render(c, { csrf: csrfToken(core, c), request, email: readEmailParam(c.req.query('email')) });
    })
    .post('/password/reset', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      const email = readEmailParam(form.get('email'));
      const view = { csrf: csrfToken(core, c), request, email };
      if (email.trim() === '')
        return render(c, { ...view, invalid: 'email', error: 'Enter your email address.' }, 400);
      const result = await resetPassword(core, {
        email,
        code: cleanCode(form.get('code')),
        password: form.get('password'),
      });
      if (!result.ok) {
        return result.code === 'weak_password'
          ? render(
              c,
              { ...view, invalid: 'password', error: sentence(result.detail, 'Choose a stronger password.') },
              400,
            )
          : render(c, { ...view, invalid: 'code', error: INVALID_CODE }, 400);
      }
      // The core revokes token sessions; browsers signed in with the old password must go too.
      const normalised = normaliseEmail(email);
      const user = normalised.ok ? await core.store.getUserByEmail(normalised.value) : null;
      if (user !== null) await core.store.revokeUserBrowserSessions(user.id, core.clock.now());
      return c.redirect(pagePath('/login', { request, email, reset: '1' }), 303);
    });
}

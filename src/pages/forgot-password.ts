import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { forgotPassword } from '../core/accounts/password-reset.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { alertBox, field, hidden, submit } from './fields.ts';
import { pagePath, readEmailParam, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { siteOf } from './site.ts';

interface ForgotView {
  csrf: string;
  request: string | null;
  email: string;
  error?: string | null;
}

function forgotBody(view: ForgotView): Html {
  return html`<p>Enter your account's email and we'll send you a code to choose a new password.</p>
${alertBox(view.error)}
<form method="post" action="/password/forgot">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
${field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'email', value: view.email, maxlength: 320, autofocus: true, error: view.error ?? undefined })}
${submit('Send code')}
</form>
<ul class="links"><li><a href="${pagePath('/login', { request: view.request, email: view.email })}">Back to sign in</a></li></ul>`;
}

/** GET/POST /password/forgot: mails a reset code; the answer is the same for unknown emails. */
export function forgotPasswordRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  const render = (c: Context, view: ForgotView, status: ContentfulStatusCode = 200) =>
    renderPage(c, site, { status, title: 'Reset your password', body: forgotBody(view) });
  return new Hono<AppEnv>()
    .get('/password/forgot', (c) => {
      const request = readRequestHandle(c.req.query('request'));
      return render(c, { csrf: csrfToken(core, c), request, email: readEmailParam(c.req.query('email')) });
    })
    .post('/password/forgot', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      const email = readEmailParam(form.get('email'));
      if (email.trim() === '') {
        return render(
          c,
          { csrf: csrfToken(core, c), request, email, error: 'Enter your email address.' },
          400,
        );
      }
      await forgotPassword(core, { email });
      return c.redirect(pagePath('/password/reset', { email, request }), 303);
    });
}

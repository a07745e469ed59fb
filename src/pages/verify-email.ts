import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { confirmSignUp, resendSignUpCode } from '../core/accounts/confirm-email.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { cleanCode, codeFields } from './code-fields.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { alertBox, hidden, notice, submit } from './fields.ts';
import { pagePath, readEmailParam, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { INVALID_CODE } from './messages.ts';
import { siteOf } from './site.ts';

interface VerifyView {
  csrf: string;
  request: string | null;
  email: string;
  notice?: string | null;
  error?: string | null;
  invalid?: 'email' | 'code';
}

function verifyBody(view: VerifyView): Html {
  return html`${notice(view.notice)}${alertBox(view.error)}
<form method="post" action="/signup/verify">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
${codeFields({ ...view, sentTo: (email) => html`We sent a 6-digit code to <strong>${email}</strong>. It is valid for 10 minutes.` })}
${submit('Confirm email')}
</form>
<form method="post" action="/signup/verify/resend" class="section">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}${hidden('email', view.email)}
<p>Didn't get it? Check your spam folder, or</p>
${submit('Send a new code', 'secondary')}
</form>`;
}

/** GET/POST /signup/verify and POST /signup/verify/resend: proving the mailbox after sign-up. */
export function verifyEmailRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  const render = (c: Context, view: VerifyView, status: ContentfulStatusCode = 200) =>
    renderPage(c, site, { status, title: 'Confirm your email', body: verifyBody(view) });
  return new Hono<AppEnv>()
    .get('/signup/verify', (c) => {
      const request = readRequestHandle(c.req.query('request'));
      const email = readEmailParam(c.req.query('email'));
      const message =
        c.req.query('resent') === '1'
          ? 'If that email is waiting for confirmation, a new code is on its way.'
          : null;
      return render(c, { csrf: csrfToken(core, c), request, email, notice: message });
    })
    .post('/signup/verify', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      const email = readEmailParam(form.get('email'));
      const view = { csrf: csrfToken(core, c), request, email };
      if (email.trim() === '')
        return render(c, { ...view, invalid: 'email', error: 'Enter your email address.' }, 400);
      const result = await confirmSignUp(core, { email, code: cleanCode(form.get('code')) });
      if (!result.ok) return render(c, { ...view, invalid: 'code', error: INVALID_CODE }, 400);
      return c.redirect(pagePath('/login', { request, email, verified: '1' }), 303);
    })
    .post('/signup/verify/resend', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      const email = readEmailParam(form.get('email'));
      // Same answer whatever the email: the page must not reveal which accounts await confirmation.
      if (email.trim() !== '') await resendSignUpCode(core, { email });
      return c.redirect(pagePath('/signup/verify', { email, request, resent: '1' }), 303);
    });
}

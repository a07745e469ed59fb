import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { signUp } from '../core/accounts/sign-up.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { collectSignUpMethods } from './extensions.ts';
import { alertBox, field, hidden, submit } from './fields.ts';
import { pagePath, readEmailParam, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { MAX_NAME_LENGTH, PASSWORD_HINT, sentence } from './messages.ts';
import { type PageSite, siteOf } from './site.ts';

type SignUpField = 'email' | 'password' | 'name';

interface SignUpView {
  csrf: string;
  request: string | null;
  email: string;
  name: string;
  error?: string | null;
  invalid?: SignUpField;
  /** Other ways to sign up (a passkey), rendered by their own modules after the form. */
  otherMethods?: Html[];
}

function signUpBody(view: SignUpView): Html {
  const focus: SignUpField = view.invalid ?? 'email';
  const errorFor = (name: SignUpField) => (view.invalid === name ? (view.error ?? undefined) : undefined);
  return html`${alertBox(view.error)}
<form method="post" action="/signup">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
${field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', value: view.email, maxlength: 320, autofocus: focus === 'email', error: errorFor('email') })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, autofocus: focus === 'password', error: errorFor('password') })}
${field({ name: 'name', label: 'Name (optional)', type: 'text', autocomplete: 'name', value: view.name, required: false, maxlength: MAX_NAME_LENGTH, autofocus: focus === 'name', error: errorFor('name') })}
${submit('Create account')}
</form>
${view.otherMethods ?? []}
<ul class="links"><li><a href="${pagePath('/login', { request: view.request })}">Already have an account? Sign in</a></li></ul>`;
}

function closedPage(c: Context, site: PageSite, request: string | null, status: ContentfulStatusCode) {
  return renderPage(c, site, {
    status,
    title: 'Sign-up is closed',
    body: html`<p>New accounts can't be created here. Ask the administrator for an invitation.</p>
<ul class="links"><li><a href="${pagePath('/login', { request })}">Sign in</a></li></ul>`,
  });
}

/** GET/POST /signup: same outcome for new and existing emails (the mail tells them apart). */
export function signUpPageRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  const render = async (c: Context, view: SignUpView, status: ContentfulStatusCode = 200) => {
    const otherMethods = await collectSignUpMethods(site.extensions, {
      request: view.request,
      csrf: view.csrf,
    });
    return renderPage(c, site, {
      status,
      title: 'Create an account',
      body: signUpBody({ ...view, otherMethods }),
    });
  };
  return new Hono<AppEnv>()
    .get('/signup', (c) => {
      const request = readRequestHandle(c.req.query('request'));
      if (!core.config.signup.enabled) return closedPage(c, site, request, 200);
      const email = readEmailParam(c.req.query('email') ?? c.req.query('login_hint'));
      return render(c, { csrf: csrfToken(core, c), request, email, name: '' });
    })
    .post('/signup', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      if (!core.config.signup.enabled) return closedPage(c, site, request, 403);
      const email = readEmailParam(form.get('email'));
      const name = form.get('name').trim();
      const view = { csrf: csrfToken(core, c), request, email, name };
      if (name.length > MAX_NAME_LENGTH) {
        return render(
          c,
          { ...view, invalid: 'name', error: `Use at most ${MAX_NAME_LENGTH} characters.` },
          400,
        );
      }
      const result = await signUp(core, { email, password: form.get('password'), name: name || undefined });
      if (result.ok) return c.redirect(pagePath('/signup/verify', { email, request }), 303);
      switch (result.code) {
        case 'weak_password':
          return render(
            c,
            { ...view, invalid: 'password', error: sentence(result.detail, 'Choose a stronger password.') },
            400,
          );
        case 'signup_disabled':
          return closedPage(c, site, request, 403);
        case 'email_domain_not_allowed':
          return render(
            c,
            { ...view, invalid: 'email', error: 'Accounts with this email domain cannot be created here.' },
            403,
          );
        default:
          return render(c, { ...view, invalid: 'email', error: 'Enter a valid email address.' }, 400);
      }
    });
}

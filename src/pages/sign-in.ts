import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { resendSignUpCode } from '../core/accounts/confirm-email.ts';
import { authenticatePassword } from '../core/accounts/sign-in.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv, ClientIpResolver } from '../http/env.ts';
import { readBrowserSession, signInBrowser } from '../http/session-cookie.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { collectSignInMethods, signInEmailAutocomplete } from './extensions.ts';
import { alertBox, field, hidden, notice, submit } from './fields.ts';
import { afterSignIn, pagePath, readEmailParam, readRequestHandle } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { describeWait } from './messages.ts';
import { type PageSite, siteOf } from './site.ts';

interface SignInView {
  csrf: string;
  request: string | null;
  email: string;
  signupOpen: boolean;
  notice?: string | null;
  error?: Html | string | null;
  /** Which field the error is about (it gets the focus); none means the password. */
  invalid?: 'email' | 'password';
  /**
   * Passkey and federation buttons go here (their own modules render them). Rendered only when
   * non-empty, so no empty box shows today.
   */
  otherMethods?: Html[];
  /** `username`, plus `webauthn` when passkeys are offered in the field's autofill. */
  emailAutocomplete?: string;
}

/**
 * After a failed attempt the focus lands on the password (or on the email when that is what's
 * missing), and the focused field is described by the alert: a screen reader reads the message
 * on arrival, which a role=alert present at page load does not guarantee.
 */
function signInBody(view: SignInView): Html {
  const focusEmail = view.invalid === 'email' || (view.error == null && view.email === '');
  const other = view.otherMethods ?? [];
  return html`${notice(view.notice)}${alertBox(view.error)}
<form method="post" action="/login">
${hidden('csrf', view.csrf)}${hidden('request', view.request)}
${field({ name: 'email', label: 'Email', type: 'email', autocomplete: view.emailAutocomplete ?? 'username', value: view.email, maxlength: 320, autofocus: focusEmail, error: view.invalid === 'email' ? 'Enter your email address' : undefined })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', autofocus: !focusEmail, describedBy: view.error != null && view.invalid !== 'email' ? 'form-error' : undefined })}
${submit('Sign in')}
</form>
${other.length > 0 ? html`<section class="section" aria-label="Other ways to sign in">${other}</section>` : ''}
<ul class="links">
<li><a href="${pagePath('/password/forgot', { request: view.request, email: view.email })}">Forgot your password?</a></li>
${view.signupOpen ? html`<li><a href="${pagePath('/signup', { request: view.request })}">Create an account</a></li>` : ''}
</ul>`;
}

async function renderSignIn(
  c: Context,
  site: PageSite,
  view: SignInView,
  status: ContentfulStatusCode = 200,
) {
  const otherMethods = await collectSignInMethods(site.extensions, {
    request: view.request,
    csrf: view.csrf,
  });
  return renderPage(c, site, {
    status,
    title: 'Sign in',
    body: signInBody({ ...view, otherMethods, emailAutocomplete: signInEmailAutocomplete(site.extensions) }),
  });
}

/** GET/POST /login: email and password; a fresh browser session on success. */
export function signInRoutes(core: Core, clientIp: ClientIpResolver): Hono<AppEnv> {
  const site = siteOf(core);
  const signupOpen = core.config.signup.enabled;
  return new Hono<AppEnv>()
    .get('/login', async (c) => {
      const request = readRequestHandle(c.req.query('request'));
      // Signed in and not in an OAuth flow: nothing to do here. (In a flow, prompt=login may want a re-authentication.)
      if (request === null && (await readBrowserSession(core, c)) !== null)
        return c.redirect('/account', 303);
      const email = readEmailParam(c.req.query('email') ?? c.req.query('login_hint'));
      const message =
        c.req.query('verified') === '1'
          ? 'Email confirmed — sign in.'
          : c.req.query('reset') === '1'
            ? 'Password changed — sign in with your new password.'
            : null;
      return renderSignIn(c, site, { csrf: csrfToken(core, c), request, email, signupOpen, notice: message });
    })
    .post('/login', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const { form } = checked;
      const request = readRequestHandle(form.get('request'));
      const email = readEmailParam(form.get('email'));
      const view = { csrf: csrfToken(core, c), request, email, signupOpen };
      if (email.trim() === '')
        return renderSignIn(c, site, { ...view, invalid: 'email', error: 'Enter your email address.' }, 400);

      const result = await authenticatePassword(core, {
        email,
        password: form.get('password'),
        ip: clientIp(c),
      });
      if (result.ok) {
        await signInBrowser(core, c, result.value.id, ['pwd']);
        core.logger.log('info', 'signin', {
          audit: true,
          sub: result.value.id,
          method: 'password',
          ip: clientIp(c),
          via: 'hosted_page',
        });
        return c.redirect(afterSignIn(request), 303);
      }
      switch (result.code) {
        case 'too_many_attempts': {
          const wait = result.retryAfter ?? 60;
          c.header('Retry-After', String(wait));
          return renderSignIn(
            c,
            site,
            { ...view, error: `Too many attempts. Try again in ${describeWait(wait)}.` },
            429,
          );
        }
        case 'email_not_verified': {
          // The password was right, so the owner is here: send a fresh code and point at it.
          await resendSignUpCode(core, { email });
          const verify = pagePath('/signup/verify', { email, request });
          return renderSignIn(
            c,
            site,
            {
              ...view,
              error: html`Confirm your email first. We sent a new code to it: <a href="${verify}">enter the code</a>.`,
            },
            403,
          );
        }
        case 'account_disabled':
          return renderSignIn(c, site, { ...view, error: 'This account is disabled.' }, 403);
        default:
          // One message for an unknown email and a wrong password: the page must not tell which.
          return renderSignIn(c, site, { ...view, error: 'Email or password is incorrect.' }, 401);
      }
    });
}

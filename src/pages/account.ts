import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { readBrowserSession } from '../http/session-cookie.ts';
import type { BrowserSessionRecord, UserRecord } from '../storage/port.ts';
import { csrfToken } from './csrf.ts';
import { collectAccountSections, type SectionError } from './extensions.ts';
import { alertBox, field, hidden, notice, submit } from './fields.ts';
import { pagePath } from './flow.ts';
import { type Html, renderPage } from './layout.ts';
import { MAX_NAME_LENGTH, PASSWORD_HINT } from './messages.ts';
import { type PageSite, siteOf } from './site.ts';

/** A failed account form: which form, which field, what to say. */
export interface AccountError {
  form: 'name' | 'password';
  field: 'name' | 'current_password' | 'password';
  message: string;
}

export interface AccountView {
  csrf: string;
  user: UserRecord;
  notice?: string | null;
  error?: AccountError | null;
  /** The name as typed, when the name form failed. */
  name?: string;
  /**
   * Passkeys and linked accounts add their sections here (their own modules render them);
   * rendered between the password and sign-out sections.
   */
  extraSections?: Html[];
  /** A failed form of one of those sections (e.g. deleting the last passkey). */
  sectionError?: SectionError | null;
}

const DONE: Record<string, string> = {
  name: 'Your name was saved.',
  password: 'Your password was changed. Other devices have been signed out.',
  identity_linked: 'The account was linked. You can now sign in with it.',
  identity_unlinked: 'The account was unlinked.',
  passkey_added: 'The passkey was added. You can now sign in with it.',
  passkey_renamed: 'The passkey was renamed.',
  passkey_deleted:
    'The passkey was removed from your account. Your device may still list it; you can delete it there too.',
};

const longDate = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

function errorFor(view: AccountView, name: AccountError['field']): string | undefined {
  return view.error?.field === name ? view.error.message : undefined;
}

function formAlert(view: AccountView, form: AccountError['form']): Html | null {
  return view.error?.form === form ? alertBox(view.error.message) : null;
}

/**
 * The password form carries the account email as a hidden, read-only `username` field, so
 * password managers know which credential they are updating.
 */
function accountBody(view: AccountView): Html {
  const { user, csrf } = view;
  const created = new Date(user.createdAt);
  return html`${notice(view.notice)}
<dl class="details">
<dt>Email</dt><dd>${user.email}${user.emailVerified ? '' : ' (not confirmed)'}</dd>
<dt>Name</dt><dd>${user.name ?? '—'}</dd>
<dt>Member since</dt><dd><time datetime="${created.toISOString()}">${longDate.format(created)}</time></dd>
</dl>
<section class="section" aria-labelledby="name-heading">
<h2 id="name-heading">Name</h2>
${formAlert(view, 'name')}
<form method="post" action="/account/name">
${hidden('csrf', csrf)}
${field({ name: 'name', label: 'Name', type: 'text', autocomplete: 'name', value: view.name ?? user.name ?? '', required: false, maxlength: MAX_NAME_LENGTH, error: errorFor(view, 'name'), autofocus: view.error?.field === 'name' })}
${submit('Save name', 'secondary')}
</form>
</section>
<section class="section" aria-labelledby="password-heading">
<h2 id="password-heading">Password</h2>
${
  user.passwordHash === null
    ? html`<p>You sign in without a password. <a href="${pagePath('/password/forgot', { email: user.email })}">Set one with an emailed code</a>.</p>`
    : html`${formAlert(view, 'password')}
<form method="post" action="/account/password">
${hidden('csrf', csrf)}
<input type="email" autocomplete="username" value="${user.email}" hidden readonly>
${field({ name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', error: errorFor(view, 'current_password'), autofocus: view.error?.field === 'current_password' })}
${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, error: errorFor(view, 'password'), autofocus: view.error?.field === 'password' })}
${submit('Change password', 'secondary')}
</form>`
}
</section>
${view.extraSections ?? []}
<section class="section" aria-labelledby="signout-heading">
<h2 id="signout-heading">Sign out</h2>
<div class="actions">
<form method="post" action="/logout">${hidden('csrf', csrf)}${submit('Sign out', 'secondary')}</form>
<form method="post" action="/account/signout-everywhere">${hidden('csrf', csrf)}${submit('Sign out everywhere', 'secondary')}</form>
</div>
<p class="hint">“Sign out everywhere” also ends the sessions of apps you signed in to.</p>
</section>`;
}

export async function renderAccount(
  c: Context,
  site: PageSite,
  view: AccountView,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const extraSections = await collectAccountSections(site.extensions, {
    user: view.user,
    csrf: view.csrf,
    error: view.sectionError ?? null,
  });
  return renderPage(c, site, {
    status,
    title: 'Your account',
    body: accountBody({ ...view, extraSections }),
  });
}

/** The signed-in user behind the browser's session cookie, or null (then send them to /login). */
export async function signedInUser(
  core: Core,
  c: Context,
): Promise<{ session: BrowserSessionRecord; user: UserRecord } | null> {
  const session = await readBrowserSession(core, c);
  if (session === null) return null;
  const user = await core.store.getUserById(session.userId);
  return user === null ? null : { session, user };
}

/** GET /account: who is signed in, and the forms to change name and password or sign out. */
export function accountPageRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  return new Hono<AppEnv>().get('/account', async (c) => {
    const signedIn = await signedInUser(core, c);
    if (signedIn === null) return c.redirect('/login', 303);
    const done = c.req.query('done');
    return renderAccount(c, site, {
      csrf: csrfToken(core, c),
      user: signedIn.user,
      notice: done !== undefined && Object.hasOwn(DONE, done) ? DONE[done] : null,
    });
  });
}

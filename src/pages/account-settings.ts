import { Hono } from 'hono';
import { changePassword } from '../core/accounts/password-change.ts';
import type { Core } from '../core/context.ts';
import type { AppEnv } from '../http/env.ts';
import { signInBrowser } from '../http/session-cookie.ts';
import { renderAccount, signedInUser } from './account.ts';
import { csrfToken, readCheckedForm } from './csrf.ts';
import { MAX_NAME_LENGTH, sentence } from './messages.ts';
import { siteOf } from './site.ts';

/** POST /account/name and /account/password. */
export function accountSettingsRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  return new Hono<AppEnv>()
    .post('/account/name', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const signedIn = await signedInUser(core, c);
      if (signedIn === null) return c.redirect('/login', 303);
      const name = checked.form.get('name').trim();
      if (name.length > MAX_NAME_LENGTH) {
        const error = {
          form: 'name',
          field: 'name',
          message: `Use at most ${MAX_NAME_LENGTH} characters.`,
        } as const;
        return renderAccount(c, site, { csrf: csrfToken(core, c), user: signedIn.user, name, error }, 400);
      }
      await core.store.updateUser(signedIn.user.id, { name: name === '' ? null : name }, core.clock.now());
      return c.redirect('/account?done=name', 303);
    })
    .post('/account/password', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const signedIn = await signedInUser(core, c);
      if (signedIn === null) return c.redirect('/login', 303);
      const { form } = checked;
      const { user } = signedIn;
      // sessionId null: every token session goes, since none of them is this browser.
      const result = await changePassword(core, {
        userId: user.id,
        sessionId: null,
        currentPassword: form.get('current_password'),
        password: form.get('password'),
      });
      if (!result.ok) {
        const error =
          result.code === 'invalid_credentials'
            ? ({
                form: 'password',
                field: 'current_password',
                message: 'Current password is incorrect.',
              } as const)
            : ({
                form: 'password',
                field: 'password',
                message: sentence(result.detail, 'Choose a stronger password.'),
              } as const);
        const status = result.code === 'invalid_credentials' ? 401 : 400;
        return renderAccount(c, site, { csrf: csrfToken(core, c), user, error }, status);
      }
      // Other browsers signed in with the old password are signed out; this one stays signed
      // in, under a new session id (a privilege change renews the id, like a sign-in).
      await core.store.revokeUserBrowserSessions(user.id, core.clock.now());
      await signInBrowser(core, c, user.id, ['pwd']);
      return c.redirect('/account?done=password', 303);
    });
}

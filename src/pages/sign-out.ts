import { Hono } from 'hono';
import type { Core } from '../core/context.ts';
import { signOutEverywhere } from '../core/sessions/sign-out.ts';
import type { AppEnv } from '../http/env.ts';
import { readBrowserSession, signOutBrowser } from '../http/session-cookie.ts';
import { readCheckedForm } from './csrf.ts';

/** POST /logout (this browser) and POST /account/signout-everywhere (every session of the user). */
export function signOutRoutes(core: Core): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/logout', async (c) => {
      // CSRF-checked too: a cross-site sign-out is a nuisance attack and can set up a login CSRF.
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      await signOutBrowser(core, c);
      return c.redirect('/login', 303);
    })
    .post('/account/signout-everywhere', async (c) => {
      const checked = await readCheckedForm(core, c);
      if (!checked.ok) return checked.response;
      const session = await readBrowserSession(core, c);
      if (session !== null) await signOutEverywhere(core, session.userId);
      await signOutBrowser(core, c);
      return c.redirect('/login', 303);
    });
}

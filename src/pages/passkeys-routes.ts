import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { resendSignUpCode } from '../core/accounts/confirm-email.ts';
import type { Core } from '../core/context.ts';
import { isRecentSignIn } from '../core/sessions/recent-sign-in.ts';
import type { AppEnv } from '../http/env.ts';
import { signInBrowser } from '../http/session-cookie.ts';
import { deletePasskey, renamePasskey } from '../passkeys/manage.ts';
import { finishPasskeyRegistration, startPasskeyRegistration } from '../passkeys/registration.ts';
import { authenticationResponseJson, registrationResponseJson } from '../passkeys/response-json.ts';
import { passkeySignInAllowed, provePasskeySignIn, startPasskeySignIn } from '../passkeys/sign-in.ts';
import { createPasskeyAccount, startPasskeySignUp } from '../passkeys/sign-up.ts';
import { renderAccount, signedInUser } from './account.ts';
import { csrfToken, readCheckedForm, verifyCsrfHeader } from './csrf.ts';
import { afterSignIn, pagePath, readRequestHandle } from './flow.ts';
import { MAX_NAME_LENGTH, sentence } from './messages.ts';
import { PASSKEYS_SECTION } from './passkeys-ui.ts';
import { siteOf } from './site.ts';

/**
 * The hosted pages' passkey endpoints. The ceremonies are JSON, posted by /assets/passkeys.js
 * with the page's CSRF token in `X-CSRF-Token` and the issuer's `Origin`; the signed-in ones go
 * by the browser session cookie. They call the same core as /v1/passkeys (src/passkeys), but a
 * sign-in ends in a browser session rather than tokens. Rename and delete are plain forms.
 *
 *   POST /login/passkey/options     {email?}                      → {flow_id, options}
 *   POST /login/passkey/verify      {flow_id, response, request?} → {redirect}
 *   POST /signup/passkey/options    {email, name?}                → {flow_id, options}
 *   POST /signup/passkey/verify     {flow_id, response, request?} → {redirect} (the email code page)
 *   POST /account/passkeys/options  {}                            → {flow_id, options}
 *   POST /account/passkeys/verify   {flow_id, response}           → {redirect}
 *   POST /account/passkeys/rename   form: csrf, id, name          → 303 /account
 *   POST /account/passkeys/delete   form: csrf, id                → 303 /account
 *
 * Failures answer `{error, message, link?}`: `message` is a sentence for the page.
 */

const flowId = z.string().max(128);
const requestHandle = z.string().max(256).nullable().optional();

const signInOptionsBody = z.object({ email: z.string().max(320).optional() });
const signInVerifyBody = z.object({
  flow_id: flowId,
  response: authenticationResponseJson,
  request: requestHandle,
});
const signUpOptionsBody = z.object({ email: z.string().max(320), name: z.string().max(1000).optional() });
const signUpVerifyBody = z.object({
  flow_id: flowId,
  response: registrationResponseJson,
  request: requestHandle,
});
const registerVerifyBody = z.object({ flow_id: flowId, response: registrationResponseJson });

const NO_STORE = { 'Cache-Control': 'no-store' };
const TRY_AGAIN = 'Something went wrong. Reload the page and try again.';

interface PageJsonError {
  error: string;
  message: string;
  link?: { href: string; label: string };
}

function refuse(c: Context, status: ContentfulStatusCode, body: PageJsonError): Response {
  return c.json(body, status, NO_STORE);
}

type Read<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * The CSRF header and Origin first (403, nothing read or changed), then the JSON body. A body that
 * isn't the page script's is a 400 with the generic message: only a tampered page sends one.
 */
async function readPageJson<S extends z.ZodType>(
  core: Core,
  c: Context<AppEnv>,
  schema: S,
): Promise<Read<z.output<S>>> {
  if (!verifyCsrfHeader(core, c)) {
    c.get('logger').log('warn', 'csrf_rejected', { path: c.req.path });
    return {
      ok: false,
      response: refuse(c, 403, {
        error: 'csrf',
        message: 'This page has expired or was opened from somewhere else. Reload it and try again.',
      }),
    };
  }
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  let json: unknown = null;
  if (type === 'application/json') {
    try {
      json = JSON.parse(await c.req.text());
    } catch {
      json = null;
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return { ok: false, response: refuse(c, 400, { error: 'invalid_request', message: TRY_AGAIN }) };
  return { ok: true, value: parsed.data };
}

const SIGNED_OUT: PageJsonError = {
  error: 'signed_out',
  message: 'You have been signed out. Reload the page and sign in again.',
};

const SIGNUP_REFUSED = {
  signup_disabled: "New accounts can't be created here. Ask the administrator for an invitation.",
  email_domain_not_allowed: 'Accounts with this email domain cannot be created here.',
} as const;

export function passkeyPageRoutes(core: Core): Hono<AppEnv> {
  const site = siteOf(core);
  return (
    new Hono<AppEnv>()
      // Sign-in: with the typed email (its passkeys only) or discoverable (the button, autofill).
      .post('/login/passkey/options', async (c) => {
        const body = await readPageJson(core, c, signInOptionsBody);
        if (!body.ok) return body.response;
        const result = await startPasskeySignIn(core, { email: body.value.email?.trim() || undefined });
        if (!result.ok)
          return refuse(c, 400, { error: result.code, message: 'Enter a valid email address.' });
        return c.json({ flow_id: result.value.flowId, options: result.value.options }, 200, NO_STORE);
      })
      .post('/login/passkey/verify', async (c) => {
        const body = await readPageJson(core, c, signInVerifyBody);
        if (!body.ok) return body.response;
        const request = readRequestHandle(body.value.request);
        const proven = await provePasskeySignIn(core, {
          flowId: body.value.flow_id,
          response: body.value.response,
        });
        if (!proven.ok) {
          // One answer for every refusal (unknown or removed passkey, expired flow, bad signature).
          return refuse(c, 401, {
            error: 'invalid_credentials',
            message:
              'This passkey was not accepted. It may have been removed from your account. Try again, or sign in another way.',
          });
        }
        const { user, passkey, amr } = proven.value;
        const allowed = passkeySignInAllowed(user);
        if (!allowed.ok) {
          if (allowed.code === 'account_disabled') {
            return refuse(c, 403, { error: allowed.code, message: 'This account is disabled.' });
          }
          // The passkey proved the owner is here: send a fresh code and point at it.
          await resendSignUpCode(core, { email: user.email });
          return refuse(c, 403, {
            error: allowed.code,
            message: 'Confirm your email first. We sent a new code to it:',
            link: {
              href: pagePath('/signup/verify', { email: user.email, request }),
              label: 'enter the code',
            },
          });
        }
        await signInBrowser(core, c, user.id, amr);
        core.logger.log('info', 'signin', {
          audit: true,
          sub: user.id,
          method: 'passkey',
          credential_id: passkey.id,
          amr,
          via: 'hosted_page',
        });
        return c.json({ redirect: afterSignIn(request) }, 200, NO_STORE);
      })
      // Passkey-only sign-up: the account waits for its email code like a password sign-up.
      .post('/signup/passkey/options', async (c) => {
        const body = await readPageJson(core, c, signUpOptionsBody);
        if (!body.ok) return body.response;
        const name = body.value.name?.trim() ?? '';
        if (name.length > MAX_NAME_LENGTH) {
          return refuse(c, 400, {
            error: 'invalid_request',
            message: `Use at most ${MAX_NAME_LENGTH} characters for your name.`,
          });
        }
        const result = await startPasskeySignUp(core, { email: body.value.email, name: name || undefined });
        if (!result.ok) {
          return result.code === 'invalid_request'
            ? refuse(c, 400, { error: result.code, message: 'Enter a valid email address.' })
            : refuse(c, 403, { error: result.code, message: SIGNUP_REFUSED[result.code] });
        }
        return c.json({ flow_id: result.value.flowId, options: result.value.options }, 200, NO_STORE);
      })
      .post('/signup/passkey/verify', async (c) => {
        const body = await readPageJson(core, c, signUpVerifyBody);
        if (!body.ok) return body.response;
        const request = readRequestHandle(body.value.request);
        const result = await createPasskeyAccount(core, {
          flowId: body.value.flow_id,
          response: body.value.response,
        });
        if (!result.ok) {
          switch (result.code) {
            case 'passkey_exists':
              return refuse(c, 409, {
                error: result.code,
                message: 'This passkey is registered already. Sign in with it instead.',
                link: { href: pagePath('/login', { request }), label: 'Sign in' },
              });
            case 'invalid_request':
              return refuse(c, 400, {
                error: result.code,
                message: 'The passkey could not be checked, or signing up took too long. Try again.',
              });
            default:
              return refuse(c, 403, { error: result.code, message: SIGNUP_REFUSED[result.code] });
          }
        }
        // New or existing email, the same next step (the mail tells them apart), as with passwords.
        // No browser session yet: like a password sign-up, the account is used once the code is in.
        const email = result.value.status === 'created' ? result.value.user.email : result.value.email;
        return c.json({ redirect: pagePath('/signup/verify', { email, request }) }, 201, NO_STORE);
      })
      // Adding a passkey to the signed-in account.
      .post('/account/passkeys/options', async (c) => {
        const body = await readPageJson(core, c, z.object({}));
        if (!body.ok) return body.response;
        const signedIn = await signedInUser(core, c);
        if (signedIn === null) return refuse(c, 401, SIGNED_OUT);
        if (!isRecentSignIn(signedIn.session.authTime, core.clock.now())) {
          return refuse(c, 403, {
            error: 'reauthentication_required',
            message: 'For your security, sign out and sign in again to add a passkey.',
          });
        }
        const flow = await startPasskeyRegistration(core, signedIn.user);
        return c.json({ flow_id: flow.flowId, options: flow.options }, 200, NO_STORE);
      })
      .post('/account/passkeys/verify', async (c) => {
        const body = await readPageJson(core, c, registerVerifyBody);
        if (!body.ok) return body.response;
        const signedIn = await signedInUser(core, c);
        if (signedIn === null) return refuse(c, 401, SIGNED_OUT);
        const result = await finishPasskeyRegistration(core, {
          user: signedIn.user,
          flowId: body.value.flow_id,
          response: body.value.response,
        });
        if (!result.ok) {
          return result.code === 'passkey_exists'
            ? refuse(c, 409, { error: result.code, message: 'This passkey is on your account already.' })
            : refuse(c, 400, {
                error: result.code,
                message: 'The passkey could not be checked, or adding it took too long. Try again.',
              });
        }
        return c.json({ redirect: '/account?done=passkey_added' }, 201, NO_STORE);
      })
      .post('/account/passkeys/rename', async (c) => {
        const checked = await readCheckedForm(core, c);
        if (!checked.ok) return checked.response;
        const signedIn = await signedInUser(core, c);
        if (signedIn === null) return c.redirect('/login', 303);
        const result = await renamePasskey(core, {
          userId: signedIn.user.id,
          id: checked.form.get('id'),
          name: checked.form.get('name'),
        });
        if (result.ok) return c.redirect('/account?done=passkey_renamed', 303);
        const [status, message] =
          result.code === 'not_found'
            ? ([404, 'That passkey is not on your account any more.'] as const)
            : ([400, sentence(result.detail, 'Choose another name.')] as const);
        return renderAccount(
          c,
          site,
          {
            csrf: csrfToken(core, c),
            user: signedIn.user,
            sectionError: { section: PASSKEYS_SECTION, message },
          },
          status,
        );
      })
      .post('/account/passkeys/delete', async (c) => {
        const checked = await readCheckedForm(core, c);
        if (!checked.ok) return checked.response;
        const signedIn = await signedInUser(core, c);
        if (signedIn === null) return c.redirect('/login', 303);
        const result = await deletePasskey(core, { user: signedIn.user, id: checked.form.get('id') });
        if (result.ok) return c.redirect('/account?done=passkey_deleted', 303);
        const [status, message] =
          result.code === 'not_found'
            ? ([404, 'That passkey is not on your account any more.'] as const)
            : ([
                409,
                sentence(result.detail, 'This passkey is the only way to sign in to this account.'),
              ] as const);
        return renderAccount(
          c,
          site,
          {
            csrf: csrfToken(core, c),
            user: signedIn.user,
            sectionError: { section: PASSKEYS_SECTION, message },
          },
          status,
        );
      })
  );
}

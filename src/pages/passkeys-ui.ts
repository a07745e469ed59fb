import { isIP } from 'node:net';
import { html } from 'hono/html';
import type { Core } from '../core/context.ts';
import { listPasskeys } from '../passkeys/manage.ts';
import { MAX_PASSKEY_NAME_LENGTH } from '../passkeys/passkey-name.ts';
import type { PasskeyRecord } from '../storage/port.ts';
import { PASSKEYS_SCRIPT_SRC, webauthnScriptSrc } from './assets.ts';
import type { PageExtension, SectionError } from './extensions.ts';
import { alertBox, hidden, submit } from './fields.ts';
import type { Html } from './layout.ts';

/** The `section` of a SectionError about the passkeys section. */
export const PASSKEYS_SECTION = 'passkeys';

export const UNSUPPORTED_MESSAGE = "This browser doesn't support passkeys.";

/**
 * Whether a browser on the hosted pages can run a ceremony at all: the RP ID must be a domain
 * (browsers refuse IP addresses) that is the issuer's host or a parent of it, and the issuer's
 * origin one that verification accepts. Otherwise no passkey UI is offered: every attempt would fail.
 */
export function passkeysUsable(core: Core): boolean {
  const issuer = new URL(core.config.issuer);
  const host = issuer.hostname.replace(/^\[|\]$/g, '');
  const rpId = core.config.rpId.toLowerCase();
  if (isIP(host) !== 0 || isIP(rpId) !== 0) return false;
  return (host === rpId || host.endsWith(`.${rpId}`)) && core.config.rpOrigins.includes(issuer.origin);
}

/** The two scripts, deferred so they run in order once the page is parsed (CSP: 'self' only). */
function scripts(): Html {
  return html`<script src="${webauthnScriptSrc()}" defer></script>
<script src="${PASSKEYS_SCRIPT_SRC}" defer></script>`;
}

/** What the script sends with every call: the form token and the pending OAuth request. */
interface BlockData {
  mode: 'signin' | 'signup' | 'register';
  csrf: string;
  request?: string | null;
}

function errorRegion(): Html {
  return html`<div class="alert" role="alert" data-passkey-error hidden></div>`;
}

const longDate = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

function when(time: number): Html {
  const date = new Date(time);
  return html`<time datetime="${date.toISOString()}">${longDate.format(date)}</time>`;
}

function passkeyItem(passkey: PasskeyRecord, index: number, csrf: string): Html {
  const nameId = `passkey-name-${index}`;
  return html`<li class="passkey">
<div class="passkey-head">
<p class="passkey-name"><strong>${passkey.name}</strong></p>
<form method="post" action="/account/passkeys/delete">
${hidden('csrf', csrf)}${hidden('id', passkey.id)}
<button type="submit" class="secondary" aria-label="Delete “${passkey.name}”">Delete</button>
</form>
</div>
<dl class="details">
<dt>Added</dt><dd>${when(passkey.createdAt)}</dd>
<dt>Last used</dt><dd>${passkey.lastUsedAt === null ? 'Never' : when(passkey.lastUsedAt)}</dd>
<dt>Backed up</dt><dd>${passkey.backedUp ? 'Yes, synced by your password manager or platform' : 'No, it stays on the device that made it'}</dd>
</dl>
<details>
<summary>Rename</summary>
<form method="post" action="/account/passkeys/rename">
${hidden('csrf', csrf)}${hidden('id', passkey.id)}
<div class="field">
<label for="${nameId}">New name for “${passkey.name}”</label>
<input id="${nameId}" name="name" type="text" autocomplete="off" value="${passkey.name}" required maxlength="${MAX_PASSKEY_NAME_LENGTH}">
</div>
${submit('Save name', 'secondary')}
</form>
</details>
</li>`;
}

function accountSection(passkeys: PasskeyRecord[], csrf: string, error: SectionError | null): Html {
  const data: BlockData = { mode: 'register', csrf };
  return html`<section class="section" aria-labelledby="passkeys-heading" data-passkey="${data.mode}" data-csrf="${data.csrf}">
<h2 id="passkeys-heading">Passkeys</h2>
${error?.section === PASSKEYS_SECTION ? alertBox(error.message) : ''}
${errorRegion()}
${
  passkeys.length === 0
    ? html`<p>No passkeys yet. A passkey signs you in with your fingerprint, face or device PIN instead of a password.</p>`
    : html`<ul class="passkeys">${passkeys.map((passkey, index) => passkeyItem(passkey, index, csrf))}</ul>`
}
<div class="actions" data-passkey-available hidden><button type="button" class="secondary" data-passkey-button hidden>Add a passkey</button></div>
<p data-passkey-unsupported hidden>${UNSUPPORTED_MESSAGE} To add one, open this page in a browser that does, such as a current Chrome, Safari, Edge or Firefox.</p>
${scripts()}
</section>`;
}

/**
 * Passkeys on the hosted pages: a "Sign in with a passkey" button and autofill (conditional
 * mediation) on sign-in, a passkey-only option on sign-up, and a Passkeys section on the account
 * page. The buttons start hidden and /assets/passkeys.js reveals them, or says that the browser
 * lacks WebAuthn; the JSON endpoints they call are in passkeys-routes.ts.
 */
export function passkeyPageExtension(core: Core): PageExtension {
  if (!passkeysUsable(core)) return {};
  return {
    emailAutofill: true,
    signInMethods({ request, csrf }) {
      const data: BlockData = { mode: 'signin', csrf, request };
      return [
        html`<div class="passkey-method" data-passkey="${data.mode}" data-csrf="${data.csrf}"${data.request ? html` data-request="${data.request}"` : ''} hidden>
${errorRegion()}
<div class="actions" data-passkey-available hidden><button type="button" class="secondary" data-passkey-button hidden>Sign in with a passkey</button></div>
<p data-passkey-unsupported hidden>${UNSUPPORTED_MESSAGE} Sign in with your email and password instead.</p>
</div>
${scripts()}`,
      ];
    },
    signUpMethods({ request, csrf }) {
      const data: BlockData = { mode: 'signup', csrf, request };
      return [
        html`<section class="section" aria-labelledby="passkey-signup-heading" data-passkey="${data.mode}" data-csrf="${data.csrf}"${data.request ? html` data-request="${data.request}"` : ''} hidden>
<h2 id="passkey-signup-heading">Or use a passkey</h2>
<p data-passkey-unsupported hidden>${UNSUPPORTED_MESSAGE} Choose a password above instead.</p>
<div data-passkey-available hidden>
<p>Sign up with a passkey: your fingerprint, face or device PIN. Enter your email (and name) above first.</p>
${errorRegion()}
<div class="actions"><button type="button" class="secondary" data-passkey-button hidden>Sign up with a passkey</button></div>
</div>
</section>
${scripts()}`,
      ];
    },
    async accountSections({ user, csrf, error }) {
      return [accountSection(await listPasskeys(core, user.id), csrf, error)];
    },
  };
}

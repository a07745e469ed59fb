/**
 * The hosted pages' passkey script, served as /assets/passkeys.js after /assets/webauthn.js
 * (@simplewebauthn/browser's UMD bundle, global `SimpleWebAuthnBrowser`). Kept in a module, like
 * the stylesheet, so it ships in `dist` and the Lambda bundle without a copy step; plain browser
 * JavaScript, no build.
 *
 * The page marks one block `data-passkey="signin" | "signup" | "register"` with `data-csrf` (the
 * form token, sent as `X-CSRF-Token`) and `data-request` (the pending OAuth request, if any).
 * Its `[data-passkey-button]` (and `[data-passkey-available]`, the text around it) start `hidden`:
 * without this script or without WebAuthn no passkey button shows, and `[data-passkey-unsupported]`
 * explains when the browser lacks WebAuthn; `[data-passkey-error]` gets the failures. The server
 * answers every call with JSON: `{flow_id, options}`, `{redirect}` (a same-origin path) or
 * `{error, message, link?}`.
 */
export const PASSKEYS_SCRIPT = `'use strict';
(() => {
  const block = document.querySelector('[data-passkey]');
  if (block === null) return;
  const lib = window.SimpleWebAuthnBrowser;
  const part = (name) => block.querySelector('[data-passkey-' + name + ']');
  const button = part('button');
  const errorBox = part('error');
  const unsupported = part('unsupported');
  const available = part('available');
  block.hidden = false;
  if (lib === undefined || !lib.browserSupportsWebAuthn()) {
    if (unsupported !== null) unsupported.hidden = false;
    block.dataset.passkeyState = 'unsupported';
    return;
  }
  const mode = block.dataset.passkey;
  const csrf = block.dataset.csrf || '';
  const request = block.dataset.request || null;
  /** Shows the button (and the text around it, when the page has some). */
  const reveal = () => {
    button.hidden = false;
    if (available !== null) available.hidden = false;
  };
  const GENERIC = 'Something went wrong. Reload the page and try again.';

  /** An error whose message is for the user; \`link\` is an optional {href, label}. */
  class Shown extends Error {
    constructor(message, link) {
      super(message);
      this.link = link || null;
    }
  }

  function showError(message, link) {
    errorBox.textContent = message;
    if (link && typeof link.href === 'string' && link.href.startsWith('/')) {
      const anchor = document.createElement('a');
      anchor.href = link.href;
      anchor.textContent = link.label;
      errorBox.append(' ', anchor, '.');
    }
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
  }

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify(body),
      });
    } catch {
      throw new Shown('Could not reach the server. Check your connection and try again.');
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok || data === null || typeof data !== 'object') {
      throw new Shown(data && typeof data.message === 'string' ? data.message : GENERIC, data && data.link);
    }
    return data;
  }

  /** Navigates to a path the server chose; anything but a same-origin path is ignored. */
  function go(target) {
    if (typeof target === 'string' && target.startsWith('/') && !target.startsWith('//')) {
      window.location.assign(target);
    } else {
      throw new Shown(GENERIC);
    }
  }

  /** What to tell the user about a failed ceremony; null when there is nothing to say. */
  function describe(error, creating) {
    if (error instanceof Shown) return error;
    const code = error && error.code;
    const name = (error && error.cause && error.cause.name) || (error && error.name);
    if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return null;
    if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
      return new Shown(
        creating === 'signup'
          ? 'This device already has a passkey for this site. Sign in with it instead.'
          : 'This device already has a passkey for your account.',
      );
    }
    if (name === 'NotAllowedError') {
      return new Shown(
        creating
          ? 'No passkey was created: the request was cancelled or timed out. Try again when you are ready.'
          : 'No passkey was used: the request was cancelled or timed out. Try again when you are ready.',
      );
    }
    if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError') {
      return new Shown('Passkeys cannot be used at this address. Use another way to sign in.');
    }
    return new Shown(
      creating
        ? 'Your browser or device could not create a passkey. Try again, or use a password instead.'
        : 'Your browser or device could not use a passkey. Try again, or use another way to sign in.',
    );
  }

  /** Runs one ceremony from a button: busy while it runs, its failure shown next to it. */
  async function run(task, creating) {
    if (button.disabled) return true;
    clearError();
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await task();
      return true;
    } catch (error) {
      const shown = describe(error, creating);
      if (shown !== null) showError(shown.message, shown.link);
      return false;
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  async function signIn(email, autofill) {
    const flow = await post('/login/passkey/options', email ? { email } : {});
    const response = await lib.startAuthentication({ optionsJSON: flow.options, useBrowserAutofill: autofill });
    let done;
    try {
      done = await post('/login/passkey/verify', { flow_id: flow.flow_id, response, request });
    } catch (error) {
      // The ceremony ran and the server said no (e.g. a passkey removed from the account).
      error.afterCeremony = true;
      throw error;
    }
    go(done.redirect);
  }

  if (mode === 'signin') {
    const emailInput = document.getElementById('f-email');
    /**
     * Conditional mediation: a pending request that the browser offers in the email field's
     * autofill list. A button ceremony aborts it (one request at a time); it restarts after.
     */
    let autofillRestarts = 0;
    let autofillRun = 0;
    const startAutofill = async () => {
      if (!(await lib.browserSupportsWebAuthnAutofill())) return;
      const mine = ++autofillRun;
      block.dataset.passkeyAutofill = 'pending';
      try {
        await signIn(null, true);
      } catch (error) {
        // Aborted: a button's ceremony (or a newer autofill request) replaced it. The browser's
        // own failures (a timeout) are not worth a message nobody asked for; the server's are.
        if (mine === autofillRun) block.dataset.passkeyAutofill = error instanceof Shown ? 'failed' : 'ended';
        if (error instanceof Shown) {
          showError(error.message, error.link);
          // Offer the autofill again after a completed ceremony, a few times at most: an
          // authenticator that answers by itself must not make a loop.
          if (error.afterCeremony === true && autofillRestarts < 3) {
            autofillRestarts += 1;
            void startAutofill();
          }
        }
      }
    };
    reveal();
    button.addEventListener('click', () => {
      const email = emailInput !== null && emailInput.value.trim() !== '' && emailInput.checkValidity()
        ? emailInput.value.trim()
        : null;
      void run(() => signIn(email, false), false).then((succeeded) => {
        if (!succeeded) void startAutofill();
      });
    });
    void startAutofill();
  } else if (mode === 'signup') {
    const emailInput = document.getElementById('f-email');
    const nameInput = document.getElementById('f-name');
    reveal();
    button.addEventListener('click', () => {
      if (emailInput === null || emailInput.value.trim() === '' || !emailInput.checkValidity()) {
        showError('Enter your email address above first, then choose “Sign up with a passkey”.');
        if (emailInput !== null) emailInput.focus();
        return;
      }
      void run(async () => {
        const flow = await post('/signup/passkey/options', {
          email: emailInput.value.trim(),
          name: nameInput === null ? '' : nameInput.value,
        });
        const response = await lib.startRegistration({ optionsJSON: flow.options });
        const done = await post('/signup/passkey/verify', { flow_id: flow.flow_id, response, request });
        go(done.redirect);
      }, 'signup');
    });
  } else if (mode === 'register') {
    reveal();
    button.addEventListener('click', () => {
      void run(async () => {
        const flow = await post('/account/passkeys/options', {});
        const response = await lib.startRegistration({ optionsJSON: flow.options });
        const done = await post('/account/passkeys/verify', { flow_id: flow.flow_id, response });
        go(done.redirect);
      }, 'register');
    });
  }
  block.dataset.passkeyState = 'ready';
})();
`;

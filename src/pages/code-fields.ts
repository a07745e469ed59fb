import { html } from 'hono/html';
import { field, hidden } from './fields.ts';
import type { Html } from './layout.ts';

/** Codes are often pasted as "123 456" or "123-456"; the core compares the digits. */
export function cleanCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').slice(0, 32);
}

export interface CodeFieldsView {
  email: string;
  error?: string | null | undefined;
  invalid?: 'email' | 'code' | 'password' | undefined;
  /** The sentence saying where the code went. */
  sentTo: (email: string) => Html;
}

/**
 * The emailed-code field, with the email as a hidden field when the previous page passed it; the
 * user types the email only when it is missing (the page was opened from another browser).
 */
export function codeFields(view: CodeFieldsView): Html {
  const knownEmail = view.email !== '' && view.invalid !== 'email';
  const emailPart = knownEmail
    ? html`<p>${view.sentTo(view.email)}</p>${hidden('email', view.email)}`
    : field({
        name: 'email',
        label: 'Email',
        type: 'email',
        autocomplete: 'username',
        value: view.email,
        maxlength: 320,
        autofocus: true,
        error: view.invalid === 'email' ? (view.error ?? undefined) : undefined,
      });
  return html`${emailPart}
${field({
  name: 'code',
  label: 'Code',
  type: 'text',
  autocomplete: 'one-time-code',
  numeric: true,
  maxlength: 12,
  autofocus: knownEmail && view.invalid !== 'password',
  error: view.invalid === 'code' ? (view.error ?? undefined) : undefined,
})}`;
}

import { html } from 'hono/html';
import type { Html } from './layout.ts';

export interface FieldInput {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value?: string | undefined;
  /** Shown under the field and linked to it; marks the field invalid. */
  error?: string | undefined;
  hint?: string | undefined;
  /** Id of a message elsewhere on the page that is about this field (e.g. the form's alert). */
  describedBy?: string | undefined;
  required?: boolean;
  autofocus?: boolean;
  numeric?: boolean;
  maxlength?: number;
}

/** A labelled input; errors and hints are tied to it with aria-describedby for screen readers. */
export function field(input: FieldInput): Html {
  const id = `f-${input.name}`;
  const described = [
    input.describedBy ?? null,
    input.error ? `${id}-error` : null,
    input.hint ? `${id}-hint` : null,
  ]
    .filter((part) => part !== null)
    .join(' ');
  // Passwords are never echoed back into the page.
  const value = input.type === 'password' ? undefined : input.value;
  return html`<div class="field">
<label for="${id}">${input.label}</label>
<input id="${id}" name="${input.name}" type="${input.type}" autocomplete="${input.autocomplete}"${value ? html` value="${value}"` : ''}${input.required === false ? '' : html` required`}${input.numeric ? html` inputmode="numeric" pattern="[0-9]*"` : ''}${input.maxlength ? html` maxlength="${input.maxlength}"` : ''}${input.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}${input.autofocus ? html` autofocus` : ''}>
${input.hint ? html`<p id="${id}-hint" class="hint">${input.hint}</p>` : ''}${input.error ? html`<p id="${id}-error" class="field-error">${input.error}</p>` : ''}
</div>`;
}

export function hidden(name: string, value: string | null | undefined): Html | null {
  return value ? html`<input type="hidden" name="${name}" value="${value}">` : null;
}

/** Announced at once by screen readers (role=alert); the field it concerns gets the focus. */
export function alertBox(message: Html | string | null | undefined): Html | null {
  return message ? html`<div class="alert" role="alert" id="form-error">${message}</div>` : null;
}

/** A success notice, announced politely. */
export function notice(message: string | null | undefined): Html | null {
  return message ? html`<div class="notice" role="status">${message}</div>` : null;
}

export function submit(label: string, kind: 'primary' | 'secondary' = 'primary'): Html {
  return html`<button type="submit" class="${kind}">${label}</button>`;
}

/**
 * The transactional mail texts. Pure: a template plus context in, a `MailMessage` out; the adapters
 * in src/mail/ deliver it.
 *
 * Codes never appear in a subject line: subjects are logged by mail servers and shown in lock-screen
 * and inbox previews, so a code there is a code leaked. Every interpolated value is HTML-escaped,
 * styles are inline (mail clients strip <style>), and there are no remote images (tracking pixels,
 * and blocked by most clients anyway).
 */
import type { MailMessage } from './mailer.ts';

export type MailTemplate =
  | { kind: 'signup_code'; code: string }
  | { kind: 'reset_code'; code: string }
  | { kind: 'signup_existing' }
  | { kind: 'password_changed' };

export interface MailContext {
  /** Recipient address. */
  to: string;
  /** Product name shown to the user, e.g. "Acme". */
  brandName: string;
  /** The issuer URL, shown so the user can tell which service wrote. */
  issuer: string;
}

/** Minutes a one-time code stays valid; must match the code store's TTL. */
export const CODE_TTL_MINUTES = 10;

const CODE_FORMAT = /^\d{6}$/;

export function renderMail(template: MailTemplate, ctx: MailContext): MailMessage {
  // A brand name with a line break must not smear over the header block of the subject.
  const brand = oneLine(ctx.brandName);
  const parts = content(template, brand);
  const footer = `This email was sent by ${brand} (${ctx.issuer}) to ${ctx.to}.`;

  const text = [
    ...parts.paragraphsBeforeCode,
    ...(parts.code ? [parts.code] : []),
    ...parts.paragraphsAfterCode,
  ]
    .concat(['--', footer])
    .join('\n\n');

  const html = renderHtml(parts, brand, footer);
  return { kind: template.kind, to: ctx.to, subject: parts.subject, text: `${text}\n`, html };
}

interface Content {
  subject: string;
  heading: string;
  paragraphsBeforeCode: string[];
  code?: string;
  paragraphsAfterCode: string[];
}

function content(template: MailTemplate, brand: string): Content {
  switch (template.kind) {
    case 'signup_code':
      return {
        subject: `Confirm your email for ${brand}`,
        heading: 'Confirm your email',
        paragraphsBeforeCode: [`Enter this code to finish creating your ${brand} account:`],
        code: checkedCode(template.code),
        paragraphsAfterCode: [
          `The code expires in ${CODE_TTL_MINUTES} minutes.`,
          'If you did not try to create an account, you can ignore this email.',
        ],
      };
    case 'reset_code':
      return {
        subject: `Reset your ${brand} password`,
        heading: 'Reset your password',
        paragraphsBeforeCode: [`Enter this code to choose a new ${brand} password:`],
        code: checkedCode(template.code),
        paragraphsAfterCode: [
          `The code expires in ${CODE_TTL_MINUTES} minutes.`,
          'If you did not ask to reset your password, you can ignore this email; your password has not been changed.',
        ],
      };
    case 'signup_existing':
      return {
        subject: `Sign-up attempt with your ${brand} email`,
        heading: 'Someone tried to sign up with your email',
        paragraphsBeforeCode: [
          `Someone tried to create a ${brand} account with this email address, but you already have one.`,
          'If it was you, sign in instead, or reset your password if you have forgotten it.',
          'If it was not you, you can ignore this email; nothing about your account has changed.',
        ],
        paragraphsAfterCode: [],
      };
    case 'password_changed':
      return {
        subject: `Your ${brand} password was changed`,
        heading: 'Your password was changed',
        paragraphsBeforeCode: [
          `The password for your ${brand} account was just changed.`,
          'If this was you, there is nothing else to do.',
          'If it was not you, reset your password right away to secure your account.',
        ],
        paragraphsAfterCode: [],
      };
  }
}

/** A malformed code is a caller bug; failing here beats mailing the user something unusable. */
function checkedCode(code: string): string {
  if (!CODE_FORMAT.test(code)) throw new Error('renderMail: code must be exactly 6 digits');
  return code;
}

function renderHtml(parts: Content, brand: string, footer: string): string {
  const p = (s: string) =>
    `<p style="margin:0 0 16px 0;font-size:16px;line-height:24px;">${escapeHtml(s)}</p>`;
  const code = parts.code
    ? `<p style="margin:0 0 16px 0;font-family:Menlo,Consolas,monospace;font-size:32px;font-weight:bold;letter-spacing:6px;">${escapeHtml(parts.code)}</p>`
    : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(parts.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;color:#222;">',
    '<div style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;">',
    `<p style="margin:0 0 8px 0;font-size:14px;color:#666;">${escapeHtml(brand)}</p>`,
    `<h1 style="margin:0 0 16px 0;font-size:22px;">${escapeHtml(parts.heading)}</h1>`,
    ...parts.paragraphsBeforeCode.map(p),
    code,
    ...parts.paragraphsAfterCode.map(p),
    `<p style="margin:24px 0 0 0;font-size:12px;color:#888;">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

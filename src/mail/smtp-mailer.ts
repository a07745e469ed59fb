/**
 * SMTP adapter for the `Mailer` port (nodemailer). One connection per mail (no pool): auth mail is
 * rare and bursty, and a pooled socket silently dropped by the relay costs more than a handshake.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Logger } from '../core/log.ts';
import type { Mailer, MailMessage } from '../core/mail/mailer.ts';
import { maskRecipient } from './mask-recipient.ts';

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (implicit TLS). */
  url: string;
  /** From header, e.g. `"Acme" <no-reply@acme.example>`. */
  from: string;
  logger: Logger;
  /** Connection, greeting and socket timeout; a hung relay must not hang a sign-up request. */
  timeoutMs?: number;
}

/** Header naming the template, so test capture (and relay-side filters) can tell mails apart. */
export const KIND_HEADER = 'X-Gatehouse-Kind';

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    // No `pool` key: nodemailer then builds a plain SMTPTransport, one connection per mail.
    ...parseSmtpUrl(options.url),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Message content is ours, but never let a path or URL in it make nodemailer read files or fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  } satisfies SMTPTransport.Options);

  return {
    async send(message: MailMessage): Promise<void> {
      const to = maskRecipient(message.to);
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: { [KIND_HEADER]: message.kind },
          // Readable in raw form for anyone debugging at the relay, and 7-bit safe everywhere.
          textEncoding: 'quoted-printable',
        });
      } catch (err) {
        const reason = describeSmtpError(err);
        options.logger.log('warn', 'mail_failed', { kind: message.kind, to, reason });
        // The thrown message is built from transport metadata only: callers log errors, and the
        // body holds a one-time code.
        throw new Error(`SMTP send failed for ${message.kind} mail: ${reason}`);
      }
      options.logger.log('info', 'mail_sent', { kind: message.kind, to });
    },
  };
}

/**
 * Parsed by hand rather than by handing `url` to nodemailer: given `{ url }`, createTransport keeps
 * only what the URL says and drops the timeouts and pool setting passed alongside it.
 */
function parseSmtpUrl(raw: string): SMTPTransport.Options {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('SMTP URL is not a valid URL');
  }
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:')
    throw new Error(`SMTP URL must use smtp: or smtps:, got ${url.protocol}`);
  const auth =
    url.username !== ''
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined;
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port !== '' ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(auth ? { auth } : {}),
  };
}

function describeSmtpError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const meta = err as Error & { code?: unknown; command?: unknown; responseCode?: unknown };
  const tags = [meta.code, meta.command, meta.responseCode].filter(
    (v) => typeof v === 'string' || typeof v === 'number',
  );
  // Server replies are echoed in nodemailer's messages; mask digit runs in case one quotes a code.
  const text = err.message.replace(/\d{6,}/g, '******').slice(0, 300);
  return tags.length > 0 ? `${tags.join(' ')}: ${text}` : text;
}

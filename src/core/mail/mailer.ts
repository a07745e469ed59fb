/** The outgoing-mail port. Adapters: SMTP (src/mail/smtp-mailer.ts), outbox files (src/mail/outbox-mailer.ts). */

export type MailKind = 'signup_code' | 'reset_code' | 'signup_existing' | 'password_changed';

export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

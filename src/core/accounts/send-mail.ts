import type { Core } from '../context.ts';
import { type MailTemplate, renderMail } from '../mail/templates.ts';
import { maskEmail } from './email.ts';

/**
 * Queues the mail and returns at once: an answer that must look the same for known and unknown
 * addresses can't wait for SMTP, and a mail outage must not change it. Failures are logged
 * (without the body) by the task queue.
 */
export function sendAccountMail(core: Core, to: string, template: MailTemplate): void {
  const message = renderMail(template, { to, brandName: core.config.brand.name, issuer: core.config.issuer });
  core.tasks.run(`mail:${template.kind}:${maskEmail(to)}`, () => core.mailer.send(message));
}

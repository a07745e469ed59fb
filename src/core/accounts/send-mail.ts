import type { Core } from '../context.ts';
import { type MailTemplate, renderMail } from '../mail/templates.ts';
import { maskEmail } from './email.ts';

/**
 * Sends and never throws: a mail outage must not change an answer that has to look the same
 * for known and unknown addresses. The failure is logged (without the body) for operators.
 */
export async function sendAccountMail(core: Core, to: string, template: MailTemplate): Promise<void> {
  const message = renderMail(template, { to, brandName: core.config.brand.name, issuer: core.config.issuer });
  try {
    await core.mailer.send(message);
  } catch (error) {
    core.logger.log('error', 'mail_failed', {
      kind: template.kind,
      to: maskEmail(to),
      reason: error instanceof Error ? error.message : 'unknown',
    });
  }
}

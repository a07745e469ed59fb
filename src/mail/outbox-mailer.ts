/**
 * Dev fallback for the `Mailer` port when no SMTP is configured: each mail becomes files under
 * DATA_DIR/outbox/ that a developer reads with `cat` (or `gatehouse outbox`):
 *
 *   20261121T140501.123Z-signup_code-ab12cd.eml   headers + plain-text body
 *   20261121T140501.123Z-signup_code-ab12cd.html  the HTML part, to open in a browser
 *
 * Names sort by creation time, so the newest mail is the last `ls` entry. The files hold live
 * codes: the directory is 0700 and the files 0600.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';
import type { Mailer, MailKind, MailMessage } from '../core/mail/mailer.ts';
import { maskRecipient } from './mask-recipient.ts';

export interface OutboxMailerOptions {
  /** The outbox directory, normally `${DATA_DIR}/outbox`; created if missing. */
  dir: string;
  from: string;
  logger: Logger;
}

export interface OutboxMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  /** Path of the `.eml` file: `dir` joined with the file name (absolute if `dir` was). */
  file: string;
}

const EML = '.eml';

export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  return {
    async send(message: MailMessage): Promise<void> {
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const base = `${nextStamp()}-${message.kind}-${randomBytes(3).toString('hex')}`;
      const htmlName = `${base}.html`;
      const eml = [
        `From: ${headerValue(options.from)}`,
        `To: ${headerValue(message.to)}`,
        `Subject: ${headerValue(message.subject)}`,
        `Date: ${new Date().toUTCString().replace(/GMT$/, '+0000')}`,
        `X-Gatehouse-Kind: ${message.kind satisfies MailKind}`,
        `X-Gatehouse-Html: ${htmlName}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        message.text,
      ].join('\n');
      // HTML first, so once the .eml (what readers look for) exists its sibling does too.
      await writePrivateAtomically(join(options.dir, htmlName), message.html);
      const file = join(options.dir, `${base}${EML}`);
      await writePrivateAtomically(file, eml);
      options.logger.log('info', 'mail_written', { kind: message.kind, to: maskRecipient(message.to), file });
    },
  };
}

/** The newest outbox mail, optionally only among those to `to` (case-insensitive); none → undefined. */
export async function readLatestOutboxMail(dir: string, to?: string): Promise<OutboxMail | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const wanted = to?.toLowerCase();
  for (const name of names
    .filter((n) => n.endsWith(EML))
    .sort()
    .reverse()) {
    const file = join(dir, name);
    const mail = parseEml(await readFile(file, 'utf8'), file);
    if (wanted === undefined || mail.to.toLowerCase() === wanted) return mail;
  }
  return undefined;
}

function parseEml(source: string, file: string): OutboxMail {
  const split = source.indexOf('\n\n');
  const head = split < 0 ? source : source.slice(0, split);
  const headers = new Map<string, string>();
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    kind: headers.get('x-gatehouse-kind') ?? '',
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '',
    text: split < 0 ? '' : source.slice(split + 2),
    file,
  };
}

let lastStampMs = 0;

/**
 * `20261121T140501.123Z`, strictly increasing within the process so two mails in the same
 * millisecond still sort in send order (the random suffix alone would order them by chance).
 */
function nextStamp(): string {
  lastStampMs = Math.max(Date.now(), lastStampMs + 1);
  return new Date(lastStampMs).toISOString().replace(/[-:]/g, '');
}

/** Temp file + rename: a reader polling the outbox never sees a half-written mail. */
async function writePrivateAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
  await rename(tmp, path);
}

/** Header values are one line; a stray CR/LF would start a forged header. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * A real SMTP server on loopback that keeps every mail it receives, for tests that need to read the
 * code a flow mailed out. Point the service's SMTP URL at `url`, trigger the flow, then:
 *
 *   const mail = await smtp.waitFor({ to: 'a@example.com', kind: 'signup_code' });
 *   const code = extractCode(mail.text);
 *
 * `waitFor` hands out each mail at most once (oldest unclaimed match first), so a test that asks
 * twice for the same recipient gets the first mail and then the second, never the first again.
 *
 * The MIME handling is deliberately small (mailparser is not available): headers, nested multipart,
 * quoted-printable / base64 / 7bit / 8bit bodies, RFC 2047 encoded-word subjects. Enough for what
 * nodemailer produces.
 */
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO), as given by the client. */
  to: string[];
  subject: string;
  /** The template kind from the X-Gatehouse-Kind header, if present. */
  kind: string | undefined;
  /** Decoded text/plain part, line endings normalised to \n; '' if the mail has none. */
  text: string;
  /** Decoded text/html part, if any, line endings normalised to \n. */
  html: string | undefined;
  /** Top-level headers, names lower-cased, folded lines joined. */
  headers: ReadonlyMap<string, string>;
  /** The message source exactly as received (after SMTP dot-unstuffing). */
  raw: string;
}

export type MailMatcher = ((mail: CapturedMail) => boolean) | { to: string; kind?: string };

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  /** Every mail received so far, in arrival order. */
  messages: CapturedMail[];
  waitFor(match: MailMatcher, timeoutMs?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

interface Waiter {
  matches: (mail: CapturedMail) => boolean;
  resolve: (mail: CapturedMail) => void;
  reject: (err: Error) => void;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const claimed = new WeakSet<CapturedMail>();
  const waiters = new Set<Waiter>();

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // Reverse DNS of 127.0.0.1 can stall for seconds in sandboxes; nothing here needs it.
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    // Accept any credentials, so services configured with smtp://user:pass@… work against it.
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        try {
          const { mailFrom, rcptTo } = session.envelope;
          const mail = parseMail(Buffer.concat(chunks), {
            from: mailFrom ? mailFrom.address : '',
            to: rcptTo.map((r) => r.address),
          });
          // Recorded before the 250 reply, so it is visible by the time the sender's send() resolves.
          messages.push(mail);
          for (const waiter of waiters) {
            if (!claimed.has(mail) && waiter.matches(mail)) {
              claimed.add(mail);
              waiters.delete(waiter);
              waiter.resolve(mail);
            }
          }
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp capture: no TCP address');

  return {
    url: `smtp://127.0.0.1:${address.port}`,
    messages,
    waitFor(match, timeoutMs = 5000) {
      const matches = toPredicate(match);
      const ready = messages.find((m) => !claimed.has(m) && matches(m));
      if (ready) {
        claimed.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise<CapturedMail>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = messages.map((m) => `${m.to.join(',')} [${m.kind ?? '-'}] "${m.subject}"`);
          reject(
            new Error(
              `smtp capture: no mail matching ${describe(match)} within ${timeoutMs}ms; received: ${seen.length ? seen.join('; ') : 'none'}`,
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = {
          matches,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.add(waiter);
      });
    },
    close() {
      for (const waiter of waiters) waiter.reject(new Error('smtp capture closed'));
      waiters.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The 6-digit code in a mail body. Prefers a line holding nothing but the code (how the templates
 * show it), falling back to the first standalone 6-digit run; throws if there is none.
 */
export function extractCode(text: string): string {
  const onOwnLine = /^[ \t]*(\d{6})[ \t]*$/m.exec(text);
  const anywhere = onOwnLine ?? /(?<!\d)(\d{6})(?!\d)/.exec(text);
  if (!anywhere?.[1]) throw new Error('extractCode: no 6-digit code in mail text');
  return anywhere[1];
}

function toPredicate(match: MailMatcher): (mail: CapturedMail) => boolean {
  if (typeof match === 'function') return match;
  const to = match.to.toLowerCase();
  return (mail) =>
    mail.to.some((r) => r.toLowerCase() === to) && (match.kind === undefined || mail.kind === match.kind);
}

function describe(match: MailMatcher): string {
  return typeof match === 'function' ? 'predicate' : JSON.stringify(match);
}

// ---- MIME, just enough ------------------------------------------------------------------------

interface Entity {
  headers: Map<string, string>;
  /** Body as a binary ('latin1') string: one char per byte, so 8bit bodies survive until decoded. */
  body: string;
}

export function parseMail(source: Buffer, envelope: { from: string; to: string[] }): CapturedMail {
  const top = parseEntity(source.toString('latin1'));
  let text: string | undefined;
  let html: string | undefined;
  for (const leaf of leaves(top)) {
    const { type } = contentType(leaf);
    if (isAttachment(leaf)) continue;
    if (type === 'text/plain' && text === undefined) text = decodeBody(leaf);
    else if (type === 'text/html' && html === undefined) html = decodeBody(leaf);
  }
  return {
    from: envelope.from,
    to: envelope.to,
    subject: decodeEncodedWords(top.headers.get('subject') ?? ''),
    kind: top.headers.get('x-gatehouse-kind'),
    text: (text ?? '').replace(/\r\n/g, '\n'),
    html: html?.replace(/\r\n/g, '\n'),
    headers: top.headers,
    raw: source.toString('utf8'),
  };
}

function parseEntity(source: string): Entity {
  const gap = /\r?\n\r?\n/.exec(source);
  const head = gap ? source.slice(0, gap.index) : source;
  const body = gap ? source.slice(gap.index + gap[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // First occurrence wins: for the headers read here, duplicates only appear from forwarding.
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function* leaves(entity: Entity): Generator<Entity> {
  const { type, params } = contentType(entity);
  const boundary = params.get('boundary');
  if (!type.startsWith('multipart/') || boundary === undefined) {
    yield entity;
    return;
  }
  const delimiter = `--${boundary}`;
  let current: string[] | undefined;
  for (const line of entity.body.split(/\r?\n/)) {
    const bare = line.trimEnd();
    if (bare === delimiter || bare === `${delimiter}--`) {
      if (current) yield* leaves(parseEntity(current.join('\r\n')));
      if (bare !== delimiter) return;
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
}

function contentType(entity: Entity): { type: string; params: Map<string, string> } {
  const value = entity.headers.get('content-type') ?? 'text/plain; charset=us-ascii';
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const raw = param.slice(eq + 1).trim();
    params.set(param.slice(0, eq).trim().toLowerCase(), raw.replace(/^"(.*)"$/, '$1'));
  }
  return { type: type.trim().toLowerCase(), params };
}

function isAttachment(entity: Entity): boolean {
  return /^\s*attachment/i.test(entity.headers.get('content-disposition') ?? '');
}

function decodeBody(entity: Entity): string {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(entity.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(entity.body)
        : Buffer.from(entity.body, 'latin1');
  return decodeCharset(bytes, contentType(entity).params.get('charset'));
}

/** RFC 2045 §6.7: `=XX` is a byte, `=` at line end is a soft break; everything else is literal. */
function decodeQuotedPrintable(body: string): Buffer {
  const input = body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = input.slice(i + 1, i + 3);
    if (input[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      out.push(input.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 2047 `=?charset?B|Q?…?=` words, as nodemailer writes non-ASCII subjects. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2') // whitespace between adjacent encoded words is not content
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

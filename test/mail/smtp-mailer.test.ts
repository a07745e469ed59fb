import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createJsonLogger } from '../../src/core/log.ts';
import { renderMail } from '../../src/core/mail/templates.ts';
import { createSmtpMailer } from '../../src/mail/smtp-mailer.ts';
import { extractCode, type SmtpCapture, startSmtpCapture } from '../helpers/smtp-capture.ts';

const ctx = { to: 'alice@example.com', brandName: 'Gatehouse', issuer: 'https://auth.example.com' };
const FROM = '"Gatehouse" <no-reply@gatehouse.test>';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: createJsonLogger((line) => lines.push(line)) };
}

/** A port nothing listens on: bind, note it, release it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createSmtpMailer → smtp capture', () => {
  let smtp: SmtpCapture;
  before(async () => {
    smtp = await startSmtpCapture();
  });
  after(() => smtp.close());

  it('delivers text and html; the capture decodes them and finds the code', async () => {
    const { lines, logger } = recordingLogger();
    const mailer = createSmtpMailer({ url: smtp.url, from: FROM, logger });
    const message = renderMail({ kind: 'signup_code', code: '482913' }, ctx);
    await mailer.send(message);

    const mail = await smtp.waitFor({ to: 'alice@example.com', kind: 'signup_code' });
    assert.deepEqual(mail.to, ['alice@example.com']);
    assert.equal(mail.from, 'no-reply@gatehouse.test');
    assert.equal(mail.subject, 'Confirm your email for Gatehouse');
    assert.equal(mail.kind, 'signup_code');
    assert.equal(mail.text, message.text);
    assert.equal(mail.html, message.html);
    assert.equal(extractCode(mail.text), '482913');

    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.event, 'mail_sent');
    assert.equal(entry.kind, 'signup_code');
    assert.equal(entry.to, 'a***@example.com');
    assert.ok(!lines.join('').includes('482913'), 'code never logged');
    assert.ok(!lines.join('').includes('alice@'), 'address logged masked only');
  });

  it('round-trips a non-ASCII brand in subject and body', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: FROM, logger: recordingLogger().logger });
    const message = renderMail(
      { kind: 'reset_code', code: '000123' },
      {
        ...ctx,
        to: 'Bob@Example.com',
        brandName: 'Gâtehouse Ünïcødé 認証 — a rather long product name indeed',
      },
    );
    await mailer.send(message);

    const mail = await smtp.waitFor({ to: 'bob@example.com' });
    assert.equal(mail.subject, message.subject);
    assert.equal(mail.text, message.text);
    assert.equal(extractCode(mail.text), '000123');
  });

  it('waitFor hands out mails to the same recipient one at a time, in order', async () => {
    const mailer = createSmtpMailer({ url: smtp.url, from: FROM, logger: recordingLogger().logger });
    const to = 'carol@example.com';
    const pending = smtp.waitFor({ to, kind: 'reset_code' });
    await mailer.send(renderMail({ kind: 'reset_code', code: '111111' }, { ...ctx, to }));
    await mailer.send(renderMail({ kind: 'reset_code', code: '222222' }, { ...ctx, to }));
    assert.equal(extractCode((await pending).text), '111111');
    assert.equal(extractCode((await smtp.waitFor({ to, kind: 'reset_code' })).text), '222222');
    await assert.rejects(smtp.waitFor({ to, kind: 'reset_code' }, 100), /no mail matching/);
  });
});

describe('createSmtpMailer failures', () => {
  const message = renderMail({ kind: 'signup_code', code: '739201' }, ctx);

  it('rejects when the server is down, without the body in the error or the log', async () => {
    const { lines, logger } = recordingLogger();
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: FROM, logger });
    const err = await mailer.send(message).then(
      () => assert.fail('send should reject'),
      (e: unknown) => e as Error,
    );
    assert.match(err.message, /SMTP send failed for signup_code mail/);
    assert.match(err.message, /ECONNREFUSED|ECONNECTION/);
    assert.ok(!err.message.includes('739201'));
    assert.ok(!err.message.includes('Confirm your email'));
    assert.equal(JSON.parse(lines[0]!).event, 'mail_failed');
    assert.ok(!lines.join('').includes('739201'));
  });

  it('masks a code the server echoes back in its rejection', async () => {
    // A relay that quotes message content in its 550 reply (some content filters do).
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const quoted = /\b\d{6}\b/.exec(Buffer.concat(chunks).toString())?.[0] ?? '';
          callback(Object.assign(new Error(`content rejected near "${quoted}"`), { responseCode: 550 }));
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    try {
      const { port } = server.server.address() as { port: number };
      const mailer = createSmtpMailer({
        url: `smtp://127.0.0.1:${port}`,
        from: FROM,
        logger: recordingLogger().logger,
      });
      const err = await mailer.send(message).then(
        () => assert.fail('send should reject'),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, /550/);
      assert.match(err.message, /content rejected/);
      assert.ok(!err.message.includes('739201'), err.message);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as { port: number };
      const mailer = createSmtpMailer({
        url: `smtp://127.0.0.1:${port}`,
        from: FROM,
        logger: recordingLogger().logger,
        timeoutMs: 200,
      });
      await assert.rejects(mailer.send(message), /SMTP send failed.*(ETIMEDOUT|[Gg]reeting)/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a URL that is not smtp: or smtps:', () => {
    const logger = recordingLogger().logger;
    assert.throws(
      () => createSmtpMailer({ url: 'http://mail.example.com', from: FROM, logger }),
      /smtp: or smtps:/,
    );
    assert.throws(() => createSmtpMailer({ url: 'not a url', from: FROM, logger }), /not a valid URL/);
  });
});

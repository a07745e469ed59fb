import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { extractCode, type SmtpCapture, startSmtpCapture } from '../helpers/smtp-capture.ts';

// The helper decodes MIME by hand, so check it against encodings the Gatehouse mailer does not
// happen to use today: base64, 8bit, nested multipart with an attachment, authenticated clients.
describe('smtp capture helper', () => {
  let smtp: SmtpCapture;
  before(async () => {
    smtp = await startSmtpCapture();
  });
  after(() => smtp.close());

  function client(url = smtp.url) {
    return nodemailer.createTransport(url);
  }

  it('decodes base64 text and html parts', async () => {
    await client().sendMail({
      from: 'a@test',
      to: 'b64@example.com',
      subject: 'Grüße',
      text: 'Dein Code:\n\n314159\n\nBis bald — ✓',
      html: '<p>314159 ✓</p>',
      textEncoding: 'base64',
    });
    const mail = await smtp.waitFor({ to: 'b64@example.com' });
    assert.match(mail.raw, /Content-Transfer-Encoding: base64/);
    assert.equal(mail.subject, 'Grüße');
    assert.equal(mail.text, 'Dein Code:\n\n314159\n\nBis bald — ✓');
    assert.equal(mail.html, '<p>314159 ✓</p>');
    assert.equal(mail.kind, undefined);
  });

  it('finds the text part inside multipart/mixed with an attachment, via an authenticated client', async () => {
    const url = smtp.url.replace('smtp://', 'smtp://user:p%40ss@');
    await client(url).sendMail({
      from: 'a@test',
      to: ['first@example.com', 'Second@Example.com'],
      subject: 'plain ascii',
      text: 'code 271828 inline',
      html: '<b>271828</b>',
      attachments: [{ filename: 'note.txt', content: 'not the body 999999', contentType: 'text/plain' }],
    });
    const mail = await smtp.waitFor((m) => m.subject === 'plain ascii');
    assert.match(mail.headers.get('content-type') ?? '', /^multipart\/mixed/);
    assert.deepEqual(mail.to, ['first@example.com', 'Second@example.com']);
    assert.equal(mail.text, 'code 271828 inline');
    assert.equal(mail.html, '<b>271828</b>');
    assert.equal(extractCode(mail.text), '271828');
  });

  it('matches recipients case-insensitively and by kind', async () => {
    await client().sendMail({
      from: 'a@test',
      to: 'Dave@example.com',
      subject: 'k',
      text: 'x',
      headers: { 'X-Gatehouse-Kind': 'password_changed' },
    });
    await assert.rejects(
      smtp.waitFor({ to: 'dave@example.com', kind: 'signup_code' }, 50),
      /no mail matching/,
    );
    const mail = await smtp.waitFor({ to: 'DAVE@example.com', kind: 'password_changed' });
    assert.equal(mail.kind, 'password_changed');
  });

  it('close() rejects waits still pending', async () => {
    const other = await startSmtpCapture();
    const pending = other.waitFor({ to: 'nobody@example.com' });
    await other.close();
    await assert.rejects(pending, /closed/);
  });
});

describe('extractCode', () => {
  it('prefers a code on its own line over other digit runs', () => {
    assert.equal(extractCode('Order 1234567 ref 654321\n\n  123456  \n'), '123456');
  });
  it('falls back to a standalone 6-digit run', () => {
    assert.equal(extractCode('your code is 987654.'), '987654');
    assert.equal(extractCode('id 1234567 then 765432'), '765432');
  });
  it('throws when there is no code', () => {
    assert.throws(() => extractCode('no code, only 12345 and 1234567'), /no 6-digit code/);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createJsonLogger } from '../../src/core/log.ts';
import { renderMail } from '../../src/core/mail/templates.ts';
import { createOutboxMailer, readLatestOutboxMail } from '../../src/mail/outbox-mailer.ts';
import { extractCode } from '../helpers/smtp-capture.ts';

const ctx = { to: 'alice@example.com', brandName: 'Gatehouse', issuer: 'http://localhost:8080' };
const FROM = 'Gatehouse <no-reply@localhost>';

describe('createOutboxMailer', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gatehouse-outbox-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('creates a private outbox and writes a cat-readable .eml plus an .html sibling', async () => {
    const dir = join(root, 'data', 'outbox');
    const lines: string[] = [];
    const mailer = createOutboxMailer({ dir, from: FROM, logger: createJsonLogger((l) => lines.push(l)) });
    const message = renderMail({ kind: 'signup_code', code: '552211' }, ctx);
    await mailer.send(message);

    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const names = (await readdir(dir)).sort();
    assert.equal(names.length, 2);
    const [eml, html] = [names.find((n) => n.endsWith('.eml'))!, names.find((n) => n.endsWith('.html'))!];
    assert.match(eml, /^\d{8}T\d{6}\.\d{3}Z-signup_code-[0-9a-f]{6}\.eml$/);
    assert.equal(html, eml.replace(/\.eml$/, '.html'));
    for (const name of names) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);

    const source = await readFile(join(dir, eml), 'utf8');
    const [head, body] = [source.slice(0, source.indexOf('\n\n')), source.slice(source.indexOf('\n\n') + 2)];
    assert.match(head, /^From: Gatehouse <no-reply@localhost>$/m);
    assert.match(head, /^To: alice@example\.com$/m);
    assert.match(head, /^Subject: Confirm your email for Gatehouse$/m);
    assert.match(head, /^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m);
    assert.equal(body, message.text);
    assert.equal(extractCode(body), '552211');
    assert.equal(await readFile(join(dir, html), 'utf8'), message.html);

    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.event, 'mail_written');
    assert.equal(entry.kind, 'signup_code');
    assert.equal(entry.to, 'a***@example.com');
    assert.equal(entry.file, join(dir, eml));
    assert.ok(!lines[0]!.includes('552211'), 'code never logged');
  });

  it('readLatestOutboxMail returns the newest mail, optionally for one recipient', async () => {
    const dir = join(root, 'latest');
    const mailer = createOutboxMailer({ dir, from: FROM, logger: createJsonLogger(() => {}) });
    // Sent back to back, within the same millisecond: file names must still sort in send order.
    await mailer.send(renderMail({ kind: 'signup_code', code: '100001' }, { ...ctx, to: 'bob@example.com' }));
    await mailer.send(renderMail({ kind: 'reset_code', code: '100002' }, { ...ctx, to: 'bob@example.com' }));
    await mailer.send(renderMail({ kind: 'password_changed' }, { ...ctx, to: 'carol@example.com' }));

    const newest = await readLatestOutboxMail(dir);
    assert.equal(newest?.to, 'carol@example.com');
    assert.equal(newest?.kind, 'password_changed');

    const bob = await readLatestOutboxMail(dir, 'Bob@Example.com');
    assert.ok(bob);
    assert.equal(bob.to, 'bob@example.com');
    assert.equal(bob.kind, 'reset_code');
    assert.equal(bob.subject, 'Reset your Gatehouse password');
    assert.equal(extractCode(bob.text), '100002');
    assert.match(bob.file, /-reset_code-[0-9a-f]{6}\.eml$/);
    assert.equal(bob.text, await readFile(bob.file, 'utf8').then((s) => s.slice(s.indexOf('\n\n') + 2)));

    assert.equal(await readLatestOutboxMail(dir, 'nobody@example.com'), undefined);
    assert.equal(await readLatestOutboxMail(join(root, 'missing')), undefined);
  });

  it('keeps a header-breaking value on one line', async () => {
    const dir = join(root, 'headers');
    const mailer = createOutboxMailer({
      dir,
      from: 'x@y\r\nBcc: evil@example.com',
      logger: createJsonLogger(() => {}),
    });
    await mailer.send(renderMail({ kind: 'password_changed' }, ctx));
    const mail = await readLatestOutboxMail(dir);
    const source = await readFile(mail!.file, 'utf8');
    assert.doesNotMatch(source, /^Bcc:/m);
  });
});

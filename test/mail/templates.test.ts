import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MailTemplate, renderMail } from '../../src/core/mail/templates.ts';

const ctx = { to: 'alice@example.com', brandName: 'Gatehouse', issuer: 'https://auth.example.com' };

describe('renderMail', () => {
  const all: MailTemplate[] = [
    { kind: 'signup_code', code: '123456' },
    { kind: 'reset_code', code: '654321' },
    { kind: 'signup_existing' },
    { kind: 'password_changed' },
  ];

  for (const template of all) {
    it(`renders ${template.kind}`, () => {
      const mail = renderMail(template, ctx);
      assert.equal(mail.kind, template.kind);
      assert.equal(mail.to, 'alice@example.com');
      assert.match(mail.subject, /Gatehouse/);
      assert.doesNotMatch(mail.subject, /[\r\n]/);
      assert.match(mail.text, /Gatehouse/);
      assert.match(mail.text, /https:\/\/auth\.example\.com/);
      assert.match(mail.html, /^<!doctype html>/);
      // No remote content and no <style> block: inline styles only.
      assert.doesNotMatch(mail.html, /<img|<style|<script|<link|src=|url\(/i);
    });
  }

  for (const template of all) {
    if (!('code' in template)) continue;
    it(`${template.kind}: code in text and html, not in subject, expiry stated`, () => {
      const mail = renderMail(template, ctx);
      assert.ok(mail.text.split('\n').includes(template.code), 'code on its own text line');
      assert.ok(mail.html.includes(`>${template.code}</p>`), 'code in its own html paragraph');
      assert.ok(!mail.subject.includes(template.code));
      assert.doesNotMatch(mail.subject, /\d{6}/);
      assert.match(mail.text, /expires in 10 minutes/);
      assert.match(mail.html, /expires in 10 minutes/);
    });
  }

  it('signup_existing points to sign-in and password reset', () => {
    const mail = renderMail({ kind: 'signup_existing' }, ctx);
    assert.match(mail.text, /sign in/i);
    assert.match(mail.text, /reset your password/i);
    assert.doesNotMatch(mail.text, /\d{6}/);
  });

  it('password_changed tells the user to reset it if it was not them', () => {
    const mail = renderMail({ kind: 'password_changed' }, ctx);
    assert.match(mail.text, /was changed|was just changed/);
    assert.match(mail.text, /not you.*reset your password/s);
  });

  it('escapes a malicious brand name and recipient in the html', () => {
    const mail = renderMail(
      { kind: 'signup_code', code: '123456' },
      {
        to: '"x<img>"@example.com',
        brandName: '<script>alert("x")</script> & Co\'s',
        issuer: 'https://i/?a=1&b=<2>',
      },
    );
    assert.ok(!mail.html.includes('<script>'));
    assert.ok(!mail.html.includes('<img>'));
    assert.ok(mail.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s'));
    assert.ok(mail.html.includes('a=1&amp;b=&lt;2&gt;'));
    // Plain text is not HTML: it keeps the name verbatim.
    assert.ok(mail.text.includes('<script>alert("x")</script> & Co\'s'));
  });

  it('keeps a brand name with line breaks on one subject line', () => {
    const mail = renderMail({ kind: 'password_changed' }, { ...ctx, brandName: 'Evil\r\nBcc: x@y' });
    assert.equal(mail.subject, 'Your Evil Bcc: x@y password was changed');
  });

  it('rejects a code that is not 6 digits', () => {
    assert.throws(() => renderMail({ kind: 'signup_code', code: '12345' }, ctx), /6 digits/);
    assert.throws(() => renderMail({ kind: 'reset_code', code: '12345a' }, ctx), /6 digits/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { extractCode } from '../helpers/smtp-capture.ts';
import { Browser, csrfFrom } from './browser.ts';
import { type PageServer, startPageServer } from './page-server.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const REQUEST = 'flow_1234567890abcdef';

describe('hosted forgot/reset password pages', () => {
  let server: PageServer;
  before(async () => {
    server = await startPageServer();
    await server.createConfirmedUser('ada@example.com', PASSWORD);
  });
  after(() => server.close());

  it('mails a code, resets the password, signs out old browsers and returns to sign-in', async () => {
    const old = new Browser(server.url);
    await old.submit('/login', '/login', { email: 'ada@example.com', password: PASSWORD });
    assert.equal((await old.get('/account')).status, 200);

    const browser = new Browser(server.url);
    const forgotPage = await browser.get(`/password/forgot?request=${REQUEST}&email=ada%40example.com`);
    assert.match(
      forgotPage.html,
      /<label for="f-email">Email<\/label>\s*<input id="f-email" name="email" type="email" autocomplete="email" value="ada@example\.com"/,
    );
    const forgot = await browser.post('/password/forgot', {
      csrf: csrfFrom(forgotPage.html),
      request: REQUEST,
      email: 'ada@example.com',
    });
    assert.equal(forgot.status, 303);
    assert.equal(forgot.location, `/password/reset?email=ada%40example.com&request=${REQUEST}`);
    const mail = await server.smtp.waitFor({ to: 'ada@example.com', kind: 'reset_code' });

    const resetPage = await browser.get(forgot.location ?? '');
    assert.match(
      resetPage.html,
      /name="code" type="text" autocomplete="one-time-code" required inputmode="numeric"/,
    );
    assert.match(
      resetPage.html,
      /<label for="f-password">New password<\/label>\s*<input id="f-password" name="password" type="password" autocomplete="new-password"/,
    );

    const weak = await browser.post('/password/reset', {
      csrf: csrfFrom(resetPage.html),
      request: REQUEST,
      email: 'ada@example.com',
      code: extractCode(mail.text),
      password: 'password',
    });
    assert.equal(weak.status, 400);
    assert.match(weak.html, /id="f-password"[^>]*aria-invalid="true"/);

    const reset = await browser.post('/password/reset', {
      csrf: csrfFrom(weak.html),
      request: REQUEST,
      email: 'ada@example.com',
      code: extractCode(mail.text),
      password: NEW_PASSWORD,
    });
    assert.equal(reset.status, 303);
    assert.equal(reset.location, `/login?request=${REQUEST}&email=ada%40example.com&reset=1`);

    assert.equal((await old.get('/account')).status, 303, 'a browser signed in before the reset is out');
    const signIn = await browser.submit(reset.location ?? '', '/login', {
      request: REQUEST,
      email: 'ada@example.com',
      password: NEW_PASSWORD,
    });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.location, `/oauth/authorize/continue?request=${REQUEST}`);
  });

  it('answers an unknown email like a known one', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/password/forgot', '/password/forgot', {
      email: 'nobody@example.com',
    });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/password/reset?email=nobody%40example.com');
  });

  it('refuses a wrong code with 400 and keeps the email', async () => {
    const browser = new Browser(server.url);
    const response = await browser.submit('/password/reset?email=ada%40example.com', '/password/reset', {
      email: 'ada@example.com',
      code: '12345',
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 400);
    assert.match(response.html, /That code is wrong, expired or already used\./);
    assert.match(response.html, /name="email" value="ada@example\.com"/);
  });

  it('asks for the email when the reset link lacks it, and requires it', async () => {
    const browser = new Browser(server.url);
    const page = await browser.get('/password/reset');
    assert.match(page.html, /<label for="f-email">Email<\/label>/);
    const response = await browser.post('/password/reset', {
      csrf: csrfFrom(page.html),
      code: '123456',
      password: NEW_PASSWORD,
    });
    assert.equal(response.status, 400);
    assert.match(response.html, /id="f-email"[^>]*aria-invalid="true"/);
  });
});
